"""Load landing files into the raw schema, once each, losing nothing.

Every file under ``<landing>/<channel>/<entity>/`` is one batch. A load ledger keyed
by the file's SHA-256 makes loading idempotent: the same content never loads twice,
whatever the file is called. A batch loads in one transaction (rows + ledger entry),
so a crash leaves either all of it or none of it.

Nothing is silently dropped:
* a file that cannot be read as a whole (an encoding we cannot recognise, a quote never
  closed in the middle of the file, missing required column, empty) is copied to the
  quarantine folder and recorded with the reason;
* a row that cannot be read (wrong number of fields, a truncated last line, a JSONL line
  that is not a JSON object) or whose required id is empty goes to ``raw._rejected_rows``
  with file, row, column and the row's content, while the file's good rows load;
* rows of people on the suppression list (erased on request) are dropped and counted.

CSV and JSONL are read by this package rather than by DuckDB's reader so that every broken
row can be set aside with its own row number: Arrow streams well-formed files
(cdp.ingest.fast_read), the Python readers take the rest (cdp.ingest.readers).

Raw tables hold text exactly as it arrived (all VARCHAR); staging models cast.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from cdp.ingest import fast_read, gate, readers
from cdp.ingest.contract import ENTITIES_BY_KEY, FILE_SUFFIXES, RAW_SCHEMA, Entity
from cdp.ingest.ledger import LEDGER, REJECTED_ROWS, ensure_raw_tables, record_file
from cdp.ingest.quarantine import BatchRejected, copy_to_quarantine, reason_for
from cdp.privacy import suppression

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandingFile:
    entity: Entity
    path: Path


@dataclass(frozen=True)
class LoadResult:
    entity_key: str
    file: str
    status: str  # loaded | skipped | duplicate | quarantined
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None  # why quarantined / duplicate, or a note on a loaded file (e.g. transcoded)
    rows_suppressed: int = 0


def discover(landing: Path) -> tuple[list[LandingFile], list[Path]]:
    """Files in the landing layout, in a stable order, plus files in folders the contract does not know."""
    found: list[LandingFile] = []
    unknown: list[Path] = []
    if not landing.exists():
        return found, unknown
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        rel = path.relative_to(landing)
        if path.name.startswith(".") or not path.name.lower().endswith(FILE_SUFFIXES):
            continue
        key = "/".join(rel.parts[:2]) if len(rel.parts) == 3 else None
        if key in ENTITIES_BY_KEY:
            found.append(LandingFile(ENTITIES_BY_KEY[key], path))
        else:
            unknown.append(path)
    return found, unknown


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, quarantine: Path,
                 entity_keys: set[str] | None = None, workers: int | None = None) -> list[LoadResult]:
    """Load every new file of the landing folder (optionally only some entities); results in file order.

    Entities load side by side on ``workers`` threads (default: one per core, at most
    LOAD_WORKERS), each on its own cursor of ``con``: reading a file and the gate's checks
    are Python while DuckDB inserts the previous batch, so one thread left a core idle (a
    million records' exports: 36 s on one thread). The files of one entity, and files of
    identical content wherever they lie, load in order on one thread, so which of two copies
    is the duplicate and the order of a raw table's batches are as on one thread."""
    ensure_raw_tables(con)
    files, unknown = discover(landing)
    for path in unknown:
        log.warning("ignored %s: not in the <channel>/<entity>/ layout of a known entity", path)
    files = [f for f in files if entity_keys is None or f.entity.key in entity_keys]
    workers = workers or min(LOAD_WORKERS, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # hashlib lets go of the interpreter lock
        hashes = list(pool.map(file_sha256, [f.path for f in files]))
    queues = _independent_queues(files, hashes)
    workers = min(len(queues), workers)
    results: list[LoadResult | None] = [None] * len(files)

    def load_queue(queue: list[int], cursor: duckdb.DuckDBPyConnection) -> None:
        for i in queue:
            results[i] = load_file(cursor, files[i], landing, quarantine, hashes[i])

    if workers <= 1:
        for queue in queues:
            load_queue(queue, con)
        return results

    def on_own_cursor(queue: list[int]) -> None:
        with con.cursor() as cursor:
            load_queue(queue, cursor)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="load") as pool:
        for done in [pool.submit(on_own_cursor, queue) for queue in queues]:
            done.result()  # a failure that is not a quarantine (disk full, a bug) stops the load
    return results


# Threads loading entities side by side: two keep both cores of a laptop busy; more add
# memory (a batch each) for little, since DuckDB already spreads each insert over the cores.
LOAD_WORKERS = 2


def _independent_queues(files: list[LandingFile], hashes: list[str]) -> list[list[int]]:
    """Indices of ``files`` in queues that may load side by side: one per entity, and queues
    holding the same content joined; the biggest queues first, so the last one to start is small."""
    parent = {f.entity.key: f.entity.key for f in files}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    first_with: dict[str, str] = {}
    for landing_file, file_hash in zip(files, hashes, strict=True):
        other = first_with.setdefault(file_hash, landing_file.entity.key)
        parent[root(landing_file.entity.key)] = root(other)
    queues: dict[str, list[int]] = {}
    for i, landing_file in enumerate(files):
        queues.setdefault(root(landing_file.entity.key), []).append(i)
    return sorted(queues.values(), key=lambda q: -sum(files[i].path.stat().st_size for i in q))


def load_file(con: duckdb.DuckDBPyConnection, landing_file: LandingFile, landing: Path,
              quarantine: Path, file_hash: str | None = None) -> LoadResult:
    """Load one batch file; idempotent by content hash (``file_hash``: its SHA-256, if known)."""
    entity, path = landing_file.entity, landing_file.path
    rel = path.relative_to(landing).as_posix()
    file_hash = file_hash or file_sha256(path)
    seen = con.execute(
        f"select source_file, status from {LEDGER} where file_hash = ? order by loaded_at", [file_hash]
    ).fetchall()
    if any(source == rel for source, _ in seen):
        return LoadResult(entity.key, rel, "skipped")
    if seen:
        reason = f"same content as {seen[0][0]} (already {seen[0][1]})"
        record_file(con, file_hash, rel, entity, path, "duplicate", 0, 0, reason, None)
        log.info("%s: duplicate batch, nothing loaded (%s)", rel, reason)
        return LoadResult(entity.key, rel, "duplicate", reason=reason)

    try:
        staged = _stage(con, entity, path, rel)  # outside the transaction: a failed stream is dropped and re-read
        con.execute("begin transaction")
        try:
            loaded, rejected, suppressed = _load_batch(con, entity, rel, file_hash, staged)
            record_file(con, file_hash, rel, entity, path, "loaded", loaded, rejected, staged.note, None, suppressed)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except (BatchRejected, duckdb.Error, UnicodeDecodeError, ValueError, OSError, csv.Error) as exc:
        reason = reason_for(exc, rel)
        target = copy_to_quarantine(path, rel, file_hash, reason, quarantine)
        record_file(con, file_hash, rel, entity, path, "quarantined", 0, 0, reason, str(target))
        log.warning("%s quarantined: %s", rel, reason)
        return LoadResult(entity.key, rel, "quarantined", reason=reason)
    finally:
        con.execute("drop table if exists _batch")
    note = staged.note
    log.info("%s: %d rows loaded, %d rows rejected, %d rows suppressed%s", rel, loaded, rejected, suppressed,
             f" ({note})" if note else "")
    return LoadResult(entity.key, rel, "loaded", loaded, rejected, note, suppressed)


@dataclass
class StagedBatch:
    """The file as temp table ``_batch``: its columns (canonical names) plus _row_number."""

    columns: list[str]
    bad_rows: list[tuple[int, str, str, str]]  # rows the Python reader could not read
    note: str | None = None


def _stage(con: duckdb.DuckDBPyConnection, entity: Entity, path: Path, rel: str) -> StagedBatch:
    """Read the file into temp table ``_batch``: Parquet by DuckDB, a well-formed CSV or
    JSONL streamed by Arrow (cdp.ingest.fast_read), anything else by the Python readers."""
    name = path.name.lower()
    if name.endswith(".parquet"):  # rowids of a fresh table follow the file's row order
        con.execute(f"create or replace temp table _scan as {_parquet_sql(path)}")
        con.execute("create or replace temp table _batch as "
                    "select *, (rowid - min(rowid) over () + 1)::bigint as _row_number from _scan")
        con.execute("drop table _scan")
        columns = [r[0] for r in con.execute("select column_name from (describe _batch)").fetchall()
                   if r[0] != "_row_number"]
        canonical = _canonical(columns, rel)
        _rename_columns(con, columns, canonical)
        return StagedBatch(canonical, [])
    if not name.endswith((".csv", ".csv.gz", ".jsonl")):
        raise BatchRejected(f"{rel}: unsupported file type (expected one of {', '.join(FILE_SUFFIXES)})")
    streamed = _stage_streamed(con, entity, path, name)
    if streamed is not None:
        return streamed
    parsed = readers.parse(path, rel, name)
    columns = _canonical(parsed.header, rel)
    arrays = [pa.array(values, pa.string()) for values in parsed.columns]
    table = pa.Table.from_arrays([*arrays, pa.array(parsed.row_numbers, pa.int64())],
                                 names=[*columns, "_row_number"])
    con.register("_parsed", table)
    try:
        con.execute("create or replace temp table _batch as select * from _parsed")
    finally:
        con.unregister("_parsed")
    return StagedBatch(columns, parsed.bad_rows, parsed.note)


def _rename_columns(con: duckdb.DuckDBPyConnection, names: list[str], canonical: list[str]) -> None:
    """Give ``_batch``'s columns their canonical names."""
    for original, renamed in zip(names, canonical, strict=True):
        if original != renamed:
            con.execute(f"alter table _batch rename column {_ident(original)} to {_ident(renamed)}")


def _canonical(header: list[str], rel: str) -> list[str]:
    """Header names trimmed and lower-cased; two that become one reject the file."""
    canonical = [c.strip().lower() for c in header]
    if len(set(canonical)) != len(canonical):
        raise BatchRejected(f"{rel}: header repeats a column name: {sorted(canonical)}")
    return canonical


def _stage_streamed(con: duckdb.DuckDBPyConnection, entity: Entity, path: Path, name: str) -> StagedBatch | None:
    """``_batch`` streamed from a well-formed UTF-8 file by Arrow, or None (nothing staged)
    when the file needs the Python reader's row-by-row reporting."""
    scan = fast_read.scan(path)
    if scan is None or (scan.bom and name.endswith(".jsonl")):
        return None
    note = None
    if name.endswith(".jsonl"):
        try:  # opening reads the first block
            opened = fast_read.open_jsonl(path, entity.columns)
        except pa.ArrowException:
            return None
        if opened is None:
            return None
        header, batches = opened
    else:
        head = scan.head.decode("utf-8-sig", "replace")
        delimiter = readers.detect_delimiter(head.split("\n", 1)[0])
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), None)
        if (not header or any(not h.strip() for h in header) or len({h.strip().lower() for h in header}) != len(header)
                or scan.quotes % 2):  # the Python reader names the problem
            return None
        if delimiter != ",":
            note = f"delimiter {delimiter!r} detected"
        try:
            batches = fast_read.open_csv(path, header, delimiter)
        except pa.ArrowException:
            return None
    columns = [c.strip().lower() for c in header]
    con.register("_streamed", batches)
    try:
        con.execute("create or replace temp table _batch as select * from _streamed")
    except (duckdb.Error, pa.ArrowException):
        con.execute("drop table if exists _batch")
        return None
    finally:
        con.unregister("_streamed")
    _rename_columns(con, header, columns)
    if name.endswith(".jsonl"):
        columns = _jsonl_columns(con, entity, columns, scan.lines)
        if columns is None:
            con.execute("drop table _batch")
            return None
    return StagedBatch(columns, [], note)


def _jsonl_columns(con: duckdb.DuckDBPyConnection, entity: Entity, columns: list[str], lines: int) -> list[str] | None:
    """The keys that occur in a streamed JSONL batch, or None when the Python reader must
    read it: a blank line (rows no longer equal lines) or a required key with no value at
    all (absent, or null throughout: the reader tells the two apart). Arrow lists every
    contract column; one with no value at all is left out, as the Python reader leaves
    out keys that never occur."""
    counts = con.execute("select count(*), " + ", ".join(f"count({_ident(c)})" for c in columns)
                         + " from _batch").fetchall()[0]
    if counts[0] != lines:
        return None
    filled = dict(zip(columns, counts[1:], strict=True))
    if any(filled.get(c, 0) == 0 for c in entity.required):
        return None
    return [c for c in columns if filled[c] or c not in entity.columns]


def _load_batch(con: duckdb.DuckDBPyConnection, entity: Entity, rel: str, file_hash: str,
                staged: StagedBatch) -> tuple[int, int, int]:
    """Move the rows of ``_batch`` to raw, rejected or nowhere (suppressed)."""
    bad_rows = staged.bad_rows
    present = set(staged.columns)
    missing = [c for c in entity.required if c not in present]
    if missing:
        raise BatchRejected(f"{rel}: missing required column(s) {', '.join(missing)} "
                            f"(header has: {', '.join(sorted(present))})")
    raw_table = f"{RAW_SCHEMA}.{entity.raw_table}"
    existing = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, entity.raw_table]).fetchall()}
    for extra in sorted(present - existing):
        con.execute(f"alter table {raw_table} add column {_ident(extra)} varchar")

    suppressed = _drop_suppressed(con, present)
    if bad_rows:
        con.executemany(
            f"""insert into {REJECTED_ROWS} (batch_id, source_file, channel, entity, row_number,
                    column_name, reason, record_json) values (?, ?, ?, ?, ?, ?, ?, ?)""",
            [[file_hash, rel, entity.channel, entity.name, *bad] for bad in bad_rows])
    # One rejected-row entry per row, naming the first required column that is empty.
    first_empty = "case " + " ".join(
        f"when nullif(trim(\"{c}\"), '') is null then '{c}'" for c in entity.required) + " end"
    select_cols = ", ".join(_ident(c) for c in sorted(present))
    gate.gate(con, entity, rel, f"(select * from _batch where {first_empty} is null)", present, file_hash)
    rejected = con.execute(
        f"""insert into {REJECTED_ROWS} (batch_id, source_file, channel, entity, row_number,
                column_name, reason, record_json)
            select ?, ?, ?, ?, _row_number, {first_empty}, 'required value is empty',
                   to_json(struct_pack({select_cols}))::varchar
            from _batch where {first_empty} is not null""",
        [file_hash, rel, entity.channel, entity.name],
    ).fetchall()[0][0]
    loaded = con.execute(
        f"""insert into {raw_table} by name
            select {select_cols}, ? as _batch_id, ? as _source_file, _row_number,
                   current_timestamp::timestamp as _loaded_at
            from _batch where {first_empty} is null""",
        [file_hash, rel],
    ).fetchall()[0][0]
    return loaded, rejected + len(bad_rows), suppressed


def _ident(name: str) -> str:
    """A column name from a file header as a safely quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _drop_suppressed(con: duckdb.DuckDBPyConnection, present: set[str]) -> int:
    """Delete rows of erased people from ``_batch``; returns how many (values are never logged)."""
    hashes = suppression.suppressed_hashes(con)
    if not hashes:
        return 0
    found = suppression.matching_values(con, "_batch", present, hashes)
    if not found:
        return 0
    condition, params = suppression.suppression_predicate(found)
    return con.execute(f"delete from _batch where {condition}", params).fetchall()[0][0]


def _parquet_sql(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    return f"select columns(*)::varchar from read_parquet('{quoted}')"
