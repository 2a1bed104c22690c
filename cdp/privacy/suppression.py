"""The suppression list: salted hashes of erased people's e-mails and phones.

After a right-to-erasure request the warehouse must forget a person, yet a channel may
send them again in its next export. The list keeps only a salted SHA-256 of each
identifier (canonical e-mail, E.164 phone), enough to recognise the person at load time
and drop their rows, not enough to read back who they were.

The salt comes from ``CDP_SUPPRESSION_SALT``; the documented default is for local use
only. Changing the salt makes existing entries unrecognisable, so keep it stable.
"""

from __future__ import annotations

import hashlib
import os
import re

import duckdb

from cdp.ingest.contract import RAW_SCHEMA
from cdp.keys.normalize import phone_e164

SUPPRESSION_LIST = f"{RAW_SCHEMA}._suppression_list"
DEFAULT_SALT = "cdp-local-development-salt"
EMAIL_COLUMNS = ("email", "form_email")
PHONE_COLUMNS = ("phone",)
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def salt() -> str:
    return os.environ.get("CDP_SUPPRESSION_SALT", DEFAULT_SALT)


def canonical_email(value: str | None) -> str | None:
    """The same canonical form as the dbt macro ``email_key`` (lower case, no +tag, gmail dots)."""
    if value is None:
        return None
    email = value.strip().lower()
    if not _EMAIL_SHAPE.fullmatch(email):
        return None
    local, domain = email.split("@", 1)
    local = local.split("+", 1)[0]
    domain = domain.replace("googlemail.com", "gmail.com")
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{domain}"


def canonical(kind: str, value: str | None, country: str | None = None) -> str | None:
    if kind == "email":
        return canonical_email(value)
    if kind == "phone":
        return phone_e164(value, country)
    raise ValueError(f"unknown identifier kind {kind!r}")


def identifier_hash(kind: str, canonical_value: str) -> str:
    """Salted SHA-256 of an already canonical identifier: lower-hex sha256(salt || value).

    The same as DuckDB's ``sha256(salt || value)``, so SQL models can match the list against
    their own canonical e-mails and phones (``kind`` is its own column, not part of the hash).
    """
    if kind not in ("email", "phone"):
        raise ValueError(f"unknown identifier kind {kind!r}")
    return hashlib.sha256((salt() + canonical_value).encode()).hexdigest()


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"""create table if not exists {SUPPRESSION_LIST} (
                identifier_kind varchar not null,
                identifier_hash varchar not null,
                erased_at timestamp not null default current_timestamp,
                request_id varchar not null,
                primary key (identifier_kind, identifier_hash)
            )"""
    )
    # The name and columns the SQL side reads (identifier_type, identifier_hash), in the main schema.
    con.execute(f"""create or replace view main.suppression_list as
                    select identifier_kind as identifier_type, identifier_hash, erased_at, request_id
                    from {SUPPRESSION_LIST}""")


def suppressed_hashes(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute(f"select identifier_kind, identifier_hash from {SUPPRESSION_LIST}").fetchall())


def matching_values(con: duckdb.DuckDBPyConnection, table: str, columns: set[str],
                    hashes: set[tuple[str, str]]) -> dict[str, set[str]]:
    """Raw values of ``table``'s contact columns whose canonical form is on the list, per column.

    Distinct values are hashed in Python (the phone parser is not free), once per batch.
    """
    found: dict[str, set[str]] = {}
    has_country = "country" in columns
    for column in sorted(columns):
        kind = "email" if column in EMAIL_COLUMNS else "phone" if column in PHONE_COLUMNS else None
        if kind is None:
            continue
        country = '"country"' if has_country else "null"
        pairs = con.execute(f'select distinct "{column}", {country} from {table} where "{column}" is not null'
                            ).fetchall()
        for value, ctry in pairs:
            key = canonical(kind, value, ctry)
            if key is not None and (kind, identifier_hash(kind, key)) in hashes:
                found.setdefault(column, set()).add(value)
    return found


def suppression_predicate(found: dict[str, set[str]]) -> tuple[str, list[str]]:
    """SQL condition (and its parameters) true for rows carrying one of ``found``'s values."""
    clauses, params = [], []
    for column, values in sorted(found.items()):
        clauses.append(f'"{column}" in ({", ".join("?" for _ in values)})')
        params.extend(sorted(values))
    return (" or ".join(clauses) or "false"), params
