"""Customer data platform: channel exports in, one trustworthy profile per customer out.

    cli          the `cdp` command
    ingest       exports into the raw schema (contract, loader, readers, gate, ledger, quarantine)
    keys         normalised names and phones, as functions and as dbt SQL functions
    audiences    segments and their consented export
    privacy      erasure, subject access, suppression
    serve        the BI copy of the marts and the run summary
    quality      match quality side by side, evaluation, benchmarks
    spark        the Spark path
    generate     the sample exports and their ground truth

The matching itself is the `matching` package; the dbt project is models/, the Dagster
code location orchestration/.
"""
