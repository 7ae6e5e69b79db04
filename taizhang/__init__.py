"""taizhang — 重点任务推进台账."""

__version__ = "0.1.0"
