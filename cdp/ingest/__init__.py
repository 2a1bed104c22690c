"""Channel exports into the warehouse's raw schema, once each, losing nothing.

    contract     the export contract: channels, entities, columns, required ids, paths
    loader       load_landing: discover files, load each in one transaction, idempotent by content
    fast_read    Arrow's streaming readers for well-formed CSV and JSONL
    readers      the Python readers, which set each broken row aside with its row number
    gate         a batch's Great Expectations value checks before it loads
    ledger       the load ledger and the rejected-rows table
    quarantine   a file that cannot load: the copy and its reason

``python -m cdp.ingest`` (``cdp load``) loads the landing folder.
"""
