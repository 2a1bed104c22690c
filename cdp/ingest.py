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

CSV and JSONL are parsed here rather than by DuckDB's reader so that every broken row can
be set aside with its own row number (Arrow's readers take well-formed files, see
cdp.fast_read); a Windows-1251 file is transcoded (noted in the ledger), a UTF-8 byte-order
mark is ignored and a `;` or tab delimiter is detected.

Raw tables hold text exactly as it arrived (all VARCHAR); staging models cast.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from cdp import fast_read, suppression
from cdp.contract import ENTITIES, ENTITIES_BY_KEY, FILE_SUFFIXES, RAW_SCHEMA, Entity

log = logging.getLogger(__name__)

LEDGER = f"{RAW_SCHEMA}._load_ledger"
REJECTED_ROWS = f"{RAW_SCHEMA}._rejected_rows"
METADATA_COLUMNS = ("_batch_id", "_source_file", "_row_number", "_loaded_at")
# A free-text field (a feedback form, a note) may be large; Python's csv default is 128 KiB.
MAX_FIELD_BYTES = 64 * 1024 * 1024
csv.field_size_limit(MAX_FIELD_BYTES)
_WORD = re.compile(r"[^\W\d_]+")


class BatchRejected(Exception):
    """A whole file cannot be loaded; the message names file, row and column where known."""


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


@dataclass
class ParsedFile:
    """A text file read into columns, plus the rows that could not be read."""

    header: list[str]
    columns: list[list[str | None]]
    row_numbers: list[int]
    bad_rows: list[tuple[int, str, str, str]]  # (row number, column, reason, record as JSON)
    note: str | None = None


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
        _record(con, file_hash, rel, entity, path, "duplicate", 0, 0, reason, None)
        log.info("%s: duplicate batch, nothing loaded (%s)", rel, reason)
        return LoadResult(entity.key, rel, "duplicate", reason=reason)

    try:
        staged = _stage(con, entity, path, rel)  # outside the transaction: a failed stream is dropped and re-read
        con.execute("begin transaction")
        try:
            loaded, rejected, suppressed = _load_batch(con, entity, rel, file_hash, staged)
            _record(con, file_hash, rel, entity, path, "loaded", loaded, rejected, staged.note, None, suppressed)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except (BatchRejected, duckdb.Error, UnicodeDecodeError, ValueError, OSError, csv.Error) as exc:
        reason = _reason(exc, rel)
        target = _quarantine(path, rel, file_hash, reason, quarantine)
        _record(con, file_hash, rel, entity, path, "quarantined", 0, 0, reason, str(target))
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
    JSONL streamed by Arrow (cdp.fast_read), anything else by the Python readers."""
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
    parsed = _parse(path, rel, name)
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
        delimiter = _delimiter(head.split("\n", 1)[0])
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
    _gate(con, entity, rel, f"(select * from _batch where {first_empty} is null)", present, file_hash)
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


# Batches smaller than this are not gated: two bad e-mails in a five-row file are not a
# broken export.
GATE_MIN_ROWS = 20
# The gate's checks are rates; on a bigger batch they are measured on a uniform sample this
# size (a 95% rate is then known to within about ±0.2%), since Great Expectations' pandas
# engine needs about 3 s per million rows and check.
GATE_SAMPLE_ROWS = 50_000
_GATE_LOCK = threading.Lock()


def _gate(con: duckdb.DuckDBPyConnection, entity: Entity, rel: str, rows: str, present: set[str],
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


def _parse(path: Path, rel: str, name: str) -> ParsedFile:
    """Read a CSV or JSONL file into text columns with the Python readers, which set each
    broken row aside with its row number (whole file in memory: the files that come here
    are the ones cdp.fast_read declined)."""
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise BatchRejected(f"{rel}: empty file (no header row)" if ".csv" in name else f"{rel}: empty file")
    text, note = _decode(data, rel)
    del data
    if name.endswith(".jsonl"):
        return _parse_jsonl(text, note)
    delimiter = _delimiter(text.split("\n", 1)[0])
    if delimiter != ",":
        note = "; ".join(filter(None, [note, f"delimiter {delimiter!r} detected"]))
    return _parse_csv(text, rel, note, delimiter)


def _decode(data: bytes, rel: str) -> tuple[str, str | None]:
    """UTF-8 (a byte-order mark is dropped); Windows-1251 is recognised and transcoded with a note."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        where = f"line {row} (byte {exc.start})"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if _looks_russian(text):
        return text, f"not UTF-8 from {where}: read as Windows-1251 (Cyrillic) and transcoded"
    raise BatchRejected(f"{rel}: {where} is not UTF-8 and the file does not look like Windows-1251; "
                        "re-export it as UTF-8")


def _looks_russian(text: str) -> bool:
    """Windows-1251 decodes almost any byte, so look at the words: Russian words are Cyrillic
    throughout, while a Latin-1 file read as 1251 gives Latin words with stray Cyrillic letters."""
    words = [w for w in _WORD.findall(text) if any("\u0400" <= ch <= "\u04ff" for ch in w)]
    mixed = sum(any("a" <= ch.lower() <= "z" for ch in w) for w in words)
    return bool(words) and mixed <= 0.05 * len(words)


def _delimiter(header_line: str) -> str:
    """The most frequent of `,` `;` tab in the header row (outside quotes); `,` on a tie."""
    unquoted = header_line.split('"')[::2]
    counts = {d: sum(part.count(d) for part in unquoted) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _parse_csv(text: str, rel: str, note: str | None, delimiter: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=True)
    header = next(reader)
    if not header or any(not h.strip() for h in header):
        raise BatchRejected(f"{rel}: header row has an empty column name")
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    row_numbers: list[int] = []
    bad_rows: list[tuple[int, str, str, str]] = []
    row, last_line = 0, reader.line_num
    lines: list[str] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            start, end = last_line + 1, reader.line_num
            if str(exc).startswith("unexpected end") and end > start:
                raise BatchRejected(f"{rel}: row {row} (line {start}): a quote opened there is never closed, "
                                    "so the rows after it cannot be told apart") from exc
            lines = lines or text.split("\n")
            bad_rows.append((row, "*", f"line {start}: unreadable CSV row ({exc})",
                             json.dumps({"_line": lines[start - 1]}, ensure_ascii=False)))
            last_line = end
            continue
        line_before, last_line = last_line, reader.line_num
        if not fields:
            continue
        row += 1
        if len(fields) != width:
            bad_rows.append((row, "*", f"line {line_before + 1}: {len(fields)} fields, the header has {width}",
                             json.dumps({"_fields": fields}, ensure_ascii=False)))
            continue
        for values, value in zip(columns, fields, strict=True):
            values.append(value if value != "" else None)
        row_numbers.append(row)
    return ParsedFile(header, columns, row_numbers, bad_rows, note)


def _parse_jsonl(text: str, note: str | None) -> ParsedFile:
    """One JSON object per line; a line that is not one is set aside with its line number."""
    records: list[tuple[int, dict]] = []
    bad_rows: list[tuple[int, str, str, str]] = []
    keys: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record, problem = None, f"not JSON ({exc.msg} at column {exc.colno})"
        else:
            problem = f"a JSON {type(record).__name__}, not an object"
        if not isinstance(record, dict):
            bad_rows.append((number, "*", f"line {number}: {problem}", json.dumps({"_line": line}, ensure_ascii=False)))
            continue
        records.append((number, record))
        keys.update(dict.fromkeys(record))
    header = list(keys)
    columns = [[_json_text(record.get(key)) for _, record in records] for key in header]
    return ParsedFile(header, columns, [n for n, _ in records], bad_rows, note)


def _json_text(value) -> str | None:
    """A JSON value as raw text: strings as they are, numbers/booleans/objects as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _reason(exc: Exception, rel: str) -> str:
    # Keep DuckDB's location (line, column, byte) but not the offending line's content,
    # which may be personal data and ends up in logs.
    text = [line for line in str(exc).split("LINE 1:")[0].strip().splitlines()
            if line.strip() and not line.startswith("Original Line")]
    first = " ".join(line.strip() for line in text[:4]).split(" Possible fixes")[0]
    return first if first.startswith(rel) else f"{rel}: {type(exc).__name__}: {first}"


def _quarantine(path: Path, rel: str, file_hash: str, reason: str, quarantine: Path) -> Path:
    target = quarantine / Path(rel).parent / f"{file_hash[:12]}__{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target


def _record(con, file_hash, rel, entity, path, status, loaded, rejected, reason, qpath, suppressed=0) -> None:
    con.execute(
        f"""insert into {LEDGER} (file_hash, source_file, channel, entity, file_bytes, status,
                rows_loaded, rows_rejected, reason, quarantine_path, rows_suppressed)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [file_hash, rel, entity.channel, entity.name, path.stat().st_size, status, loaded, rejected,
         reason, qpath, suppressed],
    )
