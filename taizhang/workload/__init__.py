"""The province-scale workload (../shared/workloads/WORKLOAD.md): its CSV files read and mapped onto
taizhang's schema (``source``), bulk-written into an empty database (``bulk``, ``load``)."""
