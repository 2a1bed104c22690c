"""The load ledger and the rejected-rows table: what was loaded, from which file, and what was not.

The ledger is keyed by each file's SHA-256, which makes loading idempotent (cdp.ingest.loader);
``raw._rejected_rows`` keeps every row that could not load with its file, row, column and content.
"""

from __future__ import annotations

import duckdb

from cdp.ingest.contract import ENTITIES, RAW_SCHEMA
from cdp.privacy import suppression

LEDGER = f"{RAW_SCHEMA}._load_ledger"
REJECTED_ROWS = f"{RAW_SCHEMA}._rejected_rows"
METADATA_COLUMNS = ("_batch_id", "_source_file", "_row_number", "_loaded_at")


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, the ledger and one table per contract entity (if missing).

    Tables exist even before a channel sends its first file, so dbt sources always resolve.
    """
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"""
        create table if not exists {LEDGER} (
            file_hash varchar not null,
            source_file varchar not null,
            channel varchar not null,
            entity varchar not null,
            file_bytes bigint,
            status varchar not null,
            rows_loaded bigint,
            rows_rejected bigint,
            reason varchar,
            quarantine_path varchar,
            loaded_at timestamp not null default current_timestamp,
            primary key (file_hash, source_file)
        )
        """
    )
    con.execute(f"alter table {LEDGER} add column if not exists rows_suppressed bigint default 0")
    suppression.ensure_table(con)
    from cdp.retention.ageing import ensure_tables as ensure_retention_tables

    ensure_retention_tables(con)  # the daily aggregates of aged detail are a dbt source too
    con.execute(
        f"""
        create table if not exists {REJECTED_ROWS} (
            batch_id varchar not null,
            source_file varchar not null,
            channel varchar not null,
            entity varchar not null,
            row_number bigint not null,
            column_name varchar not null,
            reason varchar not null,
            record_json varchar,
            rejected_at timestamp not null default current_timestamp
        )
        """
    )
    for entity in ENTITIES:
        cols = ", ".join(f'"{c}" varchar' for c in entity.columns)
        con.execute(
            f"create table if not exists {RAW_SCHEMA}.{entity.raw_table} ({cols}, "
            "_batch_id varchar not null, _source_file varchar not null, "
            "_row_number bigint not null, _loaded_at timestamp not null)"
        )


def record_file(con, file_hash, rel, entity, path, status, loaded, rejected, reason, qpath, suppressed=0) -> None:
    """One ledger row for a file: its status, row counts and, when quarantined, why and where."""
    con.execute(
        f"""insert into {LEDGER} (file_hash, source_file, channel, entity, file_bytes, status,
                rows_loaded, rows_rejected, reason, quarantine_path, rows_suppressed)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [file_hash, rel, entity.channel, entity.name, path.stat().st_size, status, loaded, rejected,
         reason, qpath, suppressed],
    )
