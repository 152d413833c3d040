"""The `vroeg` command line (`main.py`; a module per command group) and the worker (`worker.py`)."""
