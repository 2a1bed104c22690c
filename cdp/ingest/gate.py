"""The load gate: a batch's Great Expectations value checks before it loads; failing quarantines the file."""

from __future__ import annotations

import threading

import duckdb

from cdp.ingest.contract import Entity
from cdp.ingest.quarantine import BatchRejected

# Batches smaller than this are not gated: two bad e-mails in a five-row file are not a
# broken export.
GATE_MIN_ROWS = 20
# The gate's checks are rates; on a bigger batch they are measured on a uniform sample this
# size (a 95% rate is then known to within about ±0.2%), since Great Expectations' pandas
# engine needs about 3 s per million rows and check.
GATE_SAMPLE_ROWS = 50_000
_GATE_LOCK = threading.Lock()


def gate(con: duckdb.DuckDBPyConnection, entity: Entity, rel: str, rows: str, present: set[str],
          batch: str) -> None:
    """The entity's Great Expectations value checks on the batch's loadable rows; failing quarantines the file.

    The checks are rates (e.g. 95% of dates parseable): a few garbage values load and show up
    as nulls in staging, a batch exported in the wrong date format does not load at all.
    Batches under GATE_MIN_ROWS rows load without the gate (the warehouse suites still
    report their rates); batches over GATE_SAMPLE_ROWS are checked on a random sample.
    A batch that passes is recorded as such, so the raw suites' asset checks do not
    measure the same rates again.
    """
    from expectations.passes import record_gate_pass
    from expectations.run import validate_batch
    from expectations.suites import raw_suite_of

    count = con.execute(f"select count(*) from {rows}").fetchall()[0][0]
    if count < GATE_MIN_ROWS:
        return  # a rate over a handful of rows says nothing about the export
    sampled = count > GATE_SAMPLE_ROWS
    if sampled:
        rows = f"(select * from {rows} using sample reservoir({GATE_SAMPLE_ROWS} rows) repeatable (42))"
    with _GATE_LOCK:  # Great Expectations keeps process-wide state; one validation at a time
        outcome = validate_batch(con, entity.key, rows, present)
    if outcome is not None and not outcome.success:
        on = f" (rates on a random sample of {GATE_SAMPLE_ROWS:,} of {count:,} rows)" if sampled else ""
        raise BatchRejected(f"{rel}: failed the Great Expectations gate {outcome.suite}{on}: "
                            + "; ".join(outcome.failed))
    record_gate_pass(con, raw_suite_of(entity.key), batch)
