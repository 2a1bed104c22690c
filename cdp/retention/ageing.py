"""Age old web events into daily aggregates and delete the detail.

The aggregate ``raw.web__events_daily`` keeps, per day, browser, account and event type, how
many events there were, the first and last moment, and the latest form e-mail and name (the
browser's identity, which int_web_browsers matches on). The detail is read from staging
(cleaned, latest version of each event), so the aggregate counts exactly what the marts
counted; every raw version of an aged event and its staged row are deleted. The marts read
the aggregates beside the detail (int_web_browsers, fct_customer_touchpoints), so a rebuild
gives the same counts. Ageing again merges into the day's existing aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from cdp.ingest.contract import RAW_SCHEMA

DAILY = f"{RAW_SCHEMA}.web__events_daily"
LOG = f"{RAW_SCHEMA}._retention_log"
STAGED = "main.stg_web__events"

DDL = f"""
create table if not exists {DAILY} (
    occurred_on date not null,
    anonymous_id varchar,
    account_id varchar,
    event_type varchar,
    event_count bigint not null,
    first_occurred_at timestamp,
    last_occurred_at timestamp,
    form_email varchar,
    form_name varchar,
    aged_at timestamp not null
);
create table if not exists {LOG} (
    ran_at timestamp not null,
    entity varchar not null,
    keep_days integer not null,
    cutoff timestamp not null,
    rows_aged bigint not null,
    raw_rows_deleted bigint not null,
    daily_rows bigint not null
)
"""

_GROUP = "occurred_on, anonymous_id, account_id, event_type"
# staging's clean_text of the id (macros/clean_text.sql), so every raw version of an aged event goes
CLEAN_ID = "nullif(trim(raw.event_id, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(65279)), '')"


@dataclass(frozen=True)
class AgeingResult:
    entity: str
    cutoff: datetime
    rows_aged: int
    raw_rows_deleted: int
    daily_rows: int


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def _staged(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'main' "
                            "and table_name = 'stg_web__events'").fetchall()[0][0])


def age_web_events(con: duckdb.DuckDBPyConnection, keep_days: int, as_of: date | None = None) -> AgeingResult:
    """Age the web events that occurred more than ``keep_days`` days before ``as_of`` (default today)."""
    ensure_tables(con)
    cutoff = datetime.combine(as_of or datetime.now(UTC).date(), datetime.min.time()) - timedelta(days=keep_days)
    if not _staged(con):
        return AgeingResult("web/events", cutoff, 0, 0, 0)
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        con.execute(f"""create or replace temp table aged as
            select * from {STAGED} where occurred_at < ?""", [cutoff])
        rows_aged = con.execute("select count(*) from aged").fetchall()[0][0]
        con.execute(f"""create or replace temp table merged as
            with
            fresh as (
                select occurred_at::date as occurred_on, anonymous_id, account_id, event_type,
                    count(*) as event_count, min(occurred_at) as first_occurred_at,
                    max(occurred_at) as last_occurred_at,
                    max_by(form_email, occurred_at) filter (where form_email is not null) as form_email,
                    max_by(form_name, occurred_at) filter (where form_name is not null) as form_name
                from aged group by all
            ),
            touched as (
                select daily.* exclude (aged_at) from {DAILY} as daily
                where exists (select 1 from fresh where fresh.occurred_on = daily.occurred_on
                    and fresh.anonymous_id is not distinct from daily.anonymous_id
                    and fresh.account_id is not distinct from daily.account_id
                    and fresh.event_type is not distinct from daily.event_type)
            ),
            both_ as (select * from touched union all select * from fresh)
            select {_GROUP}, sum(event_count) as event_count, min(first_occurred_at) as first_occurred_at,
                max(last_occurred_at) as last_occurred_at,
                max_by(form_email, last_occurred_at) filter (where form_email is not null) as form_email,
                max_by(form_name, last_occurred_at) filter (where form_name is not null) as form_name,
                ?::timestamp as aged_at
            from both_ group by all""", [now])
        con.execute(f"""delete from {DAILY} as daily where exists (select 1 from merged
            where merged.occurred_on = daily.occurred_on
              and merged.anonymous_id is not distinct from daily.anonymous_id
              and merged.account_id is not distinct from daily.account_id
              and merged.event_type is not distinct from daily.event_type)""")
        con.execute(f"insert into {DAILY} by name select * from merged")
        daily_rows = con.execute("select count(*) from merged").fetchall()[0][0]
        raw_deleted = con.execute(f"""delete from {RAW_SCHEMA}.web__events as raw
            where {CLEAN_ID} in (select event_id from aged)""").fetchall()[0][0]
        con.execute(f"delete from {STAGED} where event_id in (select event_id from aged)")
        con.execute(f"insert into {LOG} values (?, 'web/events', ?, ?, ?, ?, ?)",
                    [now, keep_days, cutoff, rows_aged, raw_deleted, daily_rows])
        con.execute("drop table aged")
        con.execute("drop table merged")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return AgeingResult("web/events", cutoff, rows_aged, raw_deleted, daily_rows)


def belongs_to_subject() -> str:
    """SQL over the daily table: rows of a person's browsers or accounts, or carrying their e-mail
    (parameters: ``subject_params``); erasure deletes them and subject access shows them."""
    return ("(list_contains(?, 'web:browsers:' || anonymous_id) or list_contains(?, 'webshop:accounts:' || account_id)"
            " or list_contains(?, lower(trim(form_email))))")


def subject_params(subject) -> list:
    emails = sorted(value for kind, value in subject.identifiers if kind == "email")
    keys = sorted(subject.record_keys)
    return [keys, keys, emails]
