"""Right to erasure and subject access.

A person is named by customer id, e-mail or phone. ``find_subject`` works out everything
the warehouse holds about them:

* their customers: the given id, or every customer one of whose identity records carries
  the given e-mail / phone (so an erasure by e-mail takes the whole profile, not only the
  rows that happen to repeat the address);
* their identifiers: the given e-mail / phone plus the canonical e-mails and E.164 phones
  of all their identity records;
* their raw rows: the source rows of their identity records, every row carrying one of
  their identifiers in a contact column (e-mail messages, SMS, consent events, ...), and,
  transitively, the rows that belong to those (order lines of their orders, events of
  their messages, receipts with their loyalty card, the browser's other events, ...).

``erase`` deletes those raw rows (and rejected rows that carry their identifiers), adds the
salted hashes of the identifiers to the suppression list so a later export cannot bring
them back, and deletes their rows from every other table keyed by customer_id or
record_key (the incremental customer-id log, dbt snapshots). Staging is incremental (it
restages only records that new batches touch), so it is rebuilt from raw in full; every
other model is rebuilt from staging by ``dbt build``, and publishing again finishes the
job (the parsed-phone cache drops texts no export carries any more on every run);
``rebuild_and_publish`` does all that. ``subject_access`` writes it all as one JSON document.

Logs and return values carry counts and hashes, never the person's values.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from cdp.ingest.contract import ENTITIES, ENTITIES_BY_KEY, RAW_SCHEMA
from cdp.ingest.ledger import REJECTED_ROWS, ensure_raw_tables
from cdp.privacy import suppression
from cdp.retention import ageing as retained

log = logging.getLogger(__name__)

# The source row of an identity record (customer_crosswalk channel/entity) and its id column.
IDENTITY_SOURCES = {
    "crm/contacts": ("crm/contacts", "contact_id"),
    "loyalty/members": ("loyalty/members", "member_id"),
    "webshop/accounts": ("webshop/accounts", "account_id"),
    "webshop/orders": ("webshop/orders", "order_id"),
    "pos/receipts": ("pos/receipts", "receipt_id"),
    "callcentre/calls": ("callcentre/calls", "call_id"),
    "messenger/conversations": ("messenger/conversations", "conversation_id"),
    "web/browsers": ("web/events", "anonymous_id"),
}
# Rows that belong to a row of the person: (child entity, child column, parent entity, parent column).
BELONGS_TO = (
    ("loyalty/point_transactions", "member_id", "loyalty/members", "member_id"),
    ("loyalty/point_transactions", "card_id", "loyalty/members", "card_id"),
    ("pos/receipts", "card_id", "loyalty/members", "card_id"),
    ("pos/receipt_lines", "receipt_id", "pos/receipts", "receipt_id"),
    ("webshop/orders", "account_id", "webshop/accounts", "account_id"),
    ("webshop/order_lines", "order_id", "webshop/orders", "order_id"),
    ("web/events", "account_id", "webshop/accounts", "account_id"),
    ("web/events", "anonymous_id", "web/events", "anonymous_id"),
    ("email/events", "message_id", "email/messages", "message_id"),
    ("sms/events", "message_id", "sms/messages", "message_id"),
)


@dataclass
class Subject:
    """What the warehouse holds about one person (values stay in memory, never in logs)."""

    customer_ids: set[str] = field(default_factory=set)
    record_keys: set[str] = field(default_factory=set)
    identifiers: set[tuple[str, str]] = field(default_factory=set)  # (kind, canonical value)
    raw_rows: dict[str, int] = field(default_factory=dict)  # entity key -> rows marked in temp table _subject

    @property
    def hashes(self) -> set[tuple[str, str]]:
        return {(kind, suppression.identifier_hash(kind, value)) for kind, value in self.identifiers}


@dataclass(frozen=True)
class ErasureReport:
    request_id: str
    customers: int
    identifiers: int
    raw_rows_deleted: dict[str, int]
    rejected_rows_deleted: int
    id_log_rows_deleted: int

    def describe(self) -> str:
        rows = sum(self.raw_rows_deleted.values())
        return (f"erasure {self.request_id}: {self.customers} customer(s), {self.identifiers} identifier(s) "
                f"suppressed, {rows} raw rows in {len(self.raw_rows_deleted)} entities, "
                f"{self.rejected_rows_deleted} rejected rows, {self.id_log_rows_deleted} rows of derived tables "
                "(customer-id log, snapshots, marts) deleted")


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchall()[0][0] > 0


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table]).fetchall()}


def find_subject(con: duckdb.DuckDBPyConnection, customer_id: str | None = None, email: str | None = None,
                 phone: str | None = None) -> Subject:
    """Resolve a person and mark their raw rows in the temp table ``_subject`` (entity, _batch_id, _row_number)."""
    if not (customer_id or email or phone):
        raise ValueError("name the person by customer id, e-mail or phone")
    subject = Subject()
    if customer_id:
        subject.customer_ids.add(customer_id)
    for kind, value in (("email", email), ("phone", phone)):
        if value:
            key = suppression.canonical(kind, value)
            if key is None:
                raise ValueError(f"the {kind} given is not a valid {kind}")
            subject.identifiers.add((kind, key))
    have_marts = _table_exists(con, "main", "customer_crosswalk") and _table_exists(con, "main",
                                                                                    "int_identity_records")
    if have_marts:
        emails = [v for k, v in subject.identifiers if k == "email"]
        phones = [v for k, v in subject.identifiers if k == "phone"]
        if emails or phones:
            subject.customer_ids |= {r[0] for r in con.execute(
                """select distinct c.customer_id from main.int_identity_records i
                   join main.customer_crosswalk c using (record_key)
                   where list_contains(?, i.email_key) or list_contains(?, i.phone_key)""",
                [emails, phones]).fetchall()}
        records = con.execute(
            """select c.record_key, c.channel || '/' || c.entity, c.source_record_id, i.email_key, i.phone_key
               from main.customer_crosswalk c join main.int_identity_records i using (record_key)
               where list_contains(?, c.customer_id)""", [sorted(subject.customer_ids)]).fetchall()
    else:
        records = []
    con.execute("create or replace temp table _subject (entity varchar, _batch_id varchar, _row_number bigint)")
    by_source: dict[str, set[str]] = {}
    for record_key, source, source_id, email_key, phone_key in records:
        subject.record_keys.add(record_key)
        by_source.setdefault(source, set()).add(source_id)
        subject.identifiers |= {(k, v) for k, v in (("email", email_key), ("phone", phone_key)) if v}
    for source, ids in by_source.items():
        entity_key, id_column = IDENTITY_SOURCES[source]
        _mark(con, entity_key, f'"{id_column}" in (select unnest(?))', [sorted(ids)])
    hashes = subject.hashes
    for entity in ENTITIES:
        table = f"{RAW_SCHEMA}.{entity.raw_table}"
        found = suppression.matching_values(con, table, _columns(con, RAW_SCHEMA, entity.raw_table), hashes)
        if found:
            _mark(con, entity.key, *suppression.suppression_predicate(found))
    _mark_belonging_rows(con)
    subject.raw_rows = dict(con.execute("select entity, count(*) from _subject group by 1").fetchall())
    return subject


def _mark(con: duckdb.DuckDBPyConnection, entity_key: str, condition: str, params: list) -> int:
    table = f"{RAW_SCHEMA}.{ENTITIES_BY_KEY[entity_key].raw_table}"
    return con.execute(
        f"""insert into _subject select ?, _batch_id, _row_number from {table} t
            where ({condition}) and not exists (select 1 from _subject s where s.entity = ?
                  and s._batch_id = t._batch_id and s._row_number = t._row_number)""",
        [entity_key, *params, entity_key]).fetchall()[0][0]


def _mark_belonging_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Follow BELONGS_TO until no new row is marked (a browser's events lead to more events, ...)."""
    added = True
    while added:
        added = False
        for child, child_col, parent, parent_col in BELONGS_TO:
            if child_col not in _columns(con, RAW_SCHEMA, ENTITIES_BY_KEY[child].raw_table) or \
                    parent_col not in _columns(con, RAW_SCHEMA, ENTITIES_BY_KEY[parent].raw_table):
                continue
            parent_table = f"{RAW_SCHEMA}.{ENTITIES_BY_KEY[parent].raw_table}"
            condition = (f'"{child_col}" in (select p."{parent_col}" from {parent_table} p join _subject s '
                         "on s.entity = ? and s._batch_id = p._batch_id and s._row_number = p._row_number "
                         f'where p."{parent_col}" is not null)')
            added |= _mark(con, child, condition, [parent]) > 0


def _rejected_rows_of(con: duckdb.DuckDBPyConnection, subject: Subject) -> list[int]:
    """rowids of raw._rejected_rows whose record carries one of the subject's identifiers."""
    emails = [v for k, v in subject.identifiers if k == "email"]
    hashes = subject.hashes
    hits = []
    for rowid, record_json in con.execute(f"select rowid, record_json from {REJECTED_ROWS}").fetchall():
        record = json.loads(record_json) if record_json else {}
        if not isinstance(record, dict):
            continue
        for column, value in record.items():
            kind = "email" if column in suppression.EMAIL_COLUMNS else "phone" if column in \
                suppression.PHONE_COLUMNS else None
            key = suppression.canonical(kind, str(value), record.get("country")) if kind and value else None
            text = json.dumps(value).lower() if column in ("_line", "_fields") else ""
            if (key and (kind, suppression.identifier_hash(kind, key)) in hashes) or any(e in text for e in emails):
                hits.append(rowid)
                break
    return hits


def _erase_derived(con: duckdb.DuckDBPyConnection, subject: Subject) -> int:
    """Delete the person's rows from every table outside raw keyed by customer_id or a record
    key (record_key, or record_key_l / record_key_r of the scored pairs).

    Most of those are rebuilt from raw anyway; this matters for the ones that are not: the
    incremental customer-id log, the incremental scored pairs and dbt snapshots, which keep
    history across runs.
    """
    deleted = 0
    for schema, table, column in con.execute(
            """select c.table_schema, c.table_name, c.column_name from information_schema.columns c
               join information_schema.tables t using (table_catalog, table_schema, table_name)
               where t.table_type = 'BASE TABLE' and c.table_schema <> ?
                 and c.column_name in ('customer_id', 'record_key', 'record_key_l', 'record_key_r')
               order by all""", [RAW_SCHEMA]).fetchall():
        values = sorted(subject.customer_ids if column == "customer_id" else subject.record_keys)
        if values:
            deleted += con.execute(f'delete from "{schema}"."{table}" where list_contains(?, "{column}")',
                                   [values]).fetchall()[0][0]
    return deleted


def erase(con: duckdb.DuckDBPyConnection, customer_id: str | None = None, email: str | None = None,
          phone: str | None = None, request_id: str | None = None) -> ErasureReport:
    """Delete the person from raw and the customer-id log and suppress their identifiers, in one transaction."""
    ensure_raw_tables(con)
    request_id = request_id or f"erasure-{uuid.uuid4().hex[:12]}"
    con.execute("begin transaction")
    try:
        subject = find_subject(con, customer_id, email, phone)
        deleted = {}
        for entity_key in sorted(subject.raw_rows):
            table = f"{RAW_SCHEMA}.{ENTITIES_BY_KEY[entity_key].raw_table}"
            deleted[entity_key] = con.execute(
                f"""delete from {table} t where exists (select 1 from _subject s where s.entity = ?
                    and s._batch_id = t._batch_id and s._row_number = t._row_number)""",
                [entity_key]).fetchall()[0][0]
        rejected = _rejected_rows_of(con, subject)
        if rejected:
            con.execute(f"delete from {REJECTED_ROWS} where list_contains(?, rowid)", [rejected])
        aged = con.execute(f"delete from {retained.DAILY} where {retained.belongs_to_subject()}",
                           retained.subject_params(subject)).fetchall()[0][0]
        if aged:
            deleted["web/events_daily"] = aged
        id_log = _erase_derived(con, subject)
        con.executemany(
            f"""insert into {suppression.SUPPRESSION_LIST} (identifier_kind, identifier_hash, request_id)
                values (?, ?, ?) on conflict do nothing""",
            [[kind, digest, request_id] for kind, digest in sorted(subject.hashes)])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    report = ErasureReport(request_id, len(subject.customer_ids), len(subject.identifiers), deleted,
                           len(rejected), id_log)
    log.info(report.describe())
    return report


def rebuild_and_publish(warehouse: Path, project_dir: Path | None = None) -> None:
    """Rebuild every dbt model from the (now erased) raw tables, then replace the published copy."""
    from cdp.serve.publish import publish, published_path

    project_dir = project_dir or Path(__file__).resolve().parents[2]
    env = dict(os.environ, CDP_WAREHOUSE=str(warehouse), DBT_PROFILES_DIR=str(project_dir))
    dbt = str(Path(sys.executable).parent / "dbt")
    # unit tests check model logic on fixed inputs: they belong to development and CI, not to
    # the rebuild of a production warehouse (as in the Dagster job, PRODUCTION_BUILD_ARGS)
    for args in (["run", "--full-refresh", "--select", "path:models/staging"],
                 ["build", "--exclude-resource-type", "unit_test"]):
        completed = subprocess.run([dbt, *args, "--quiet"], cwd=project_dir, env=env, capture_output=True, text=True)
        if completed.returncode != 0:
            raise RuntimeError(f"dbt {args[0]} after erasure failed (exit {completed.returncode}); raw is already "
                               "erased, re-run `dbt run --full-refresh --select path:models/staging`, `dbt build` "
                               "and `cdp publish`")
    publish(warehouse, published_path())


def subject_access(con: duckdb.DuckDBPyConnection, customer_id: str | None = None, email: str | None = None,
                   phone: str | None = None) -> dict:
    """Everything the warehouse holds about the person, as one JSON-ready document.

    Reads only (a read-only connection is enough), so it can run while the pipeline writes elsewhere."""
    subject = find_subject(con, customer_id, email, phone)
    raw = {}
    for entity_key in sorted(subject.raw_rows):
        table = f"{RAW_SCHEMA}.{ENTITIES_BY_KEY[entity_key].raw_table}"
        raw[entity_key] = _records(con, f"""select t.* from {table} t join _subject s on s.entity = ?
            and s._batch_id = t._batch_id and s._row_number = t._row_number order by t._source_file, t._row_number""",
                                   [entity_key])
    rejected = _rejected_rows_of(con, subject)
    if _table_exists(con, RAW_SCHEMA, "web__events_daily"):
        raw["web/events_daily"] = _records(
            con, f"select * from {retained.DAILY} where {retained.belongs_to_subject()} order by all",
            retained.subject_params(subject))
    marts = {}
    customers = sorted(subject.customer_ids)
    for (table,) in con.execute("""select table_name from information_schema.columns
            where table_schema = 'main' and column_name = 'customer_id' order by 1""").fetchall():
        rows = _records(con, f'select * from main."{table}" where list_contains(?, customer_id)', [customers])
        if rows:
            marts[table] = rows
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "request": {"customer_id": customer_id, "email": email, "phone": phone},
        "customer_ids": customers,
        "identifiers": [{"kind": k, "value": v} for k, v in sorted(subject.identifiers)],
        "raw": raw,
        "rejected_rows": _records(con, f"select * from {REJECTED_ROWS} where list_contains(?, rowid)", [rejected]),
        "warehouse": marts,
    }


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [{n: _jsonable(v) for n, v in zip(names, row, strict=True) if v is not None} for row in cursor.fetchall()]


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
