"""The file a pytest-xdist worker names as its ``__main__`` (tests/conftest.py explains why).

A process the worker starts with multiprocessing's spawn runs this file first, as it would
run a script's main module; it does nothing.
"""
