"""Documents in and out of the ledger: the Excel 台账, the progress template round trip, the 通报."""
