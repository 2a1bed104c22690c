"""What a run hands over: the read-only copy of the marts for BI, and the printed summary.

    publish      the marts copied atomically to a separate DuckDB file (`cdp publish`)
    summary      the counts printed after `cdp run` (no personal data)
"""
