"""Streaming multi-threaded readers for the common case: a well-formed CSV or JSONL batch.

The Python readers of ``cdp.ingest`` set every broken row aside with its own row number,
but parse about 50,000 rows a second and hold the whole file (bytes, text and columns) in
memory: a ten-million-record web-event export (4.8 GB) took 22 GiB. Most batches have
nothing wrong with them, so Arrow's C++ readers try first, streaming the file in blocks
straight into DuckDB, and the result is used only when it is exactly what the Python
reader would produce:

* one pass (``scan``) first checks that the file is UTF-8 and counts its quotes and lines;
* CSV: every row has the header's width (Arrow raises otherwise), quotes pair up (an odd
  number means one is never closed), values are text, empty values are NULL. Row numbers
  are 1..n, as blank lines are skipped by both readers.
* JSONL: every line is a JSON object (Arrow raises otherwise), the contract's columns hold
  strings (an explicit schema; a number there raises), other keys come out as text, whole
  numbers or booleans (their JSON text is the same) and all occur in the first block (a
  key first seen later raises), and there are no blank lines (the row count equals the
  line count, checked by the caller once the rows are read).

When a check fails the caller drops what was read and the Python reader takes over, with
its row-level reporting. One known difference: Arrow reads a stray character after a
closing quote (`"Ana"x`) as part of the value where Python's strict reader rejects the row;
the value loads either way.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

# Arrow's default 1 MiB blocks split a 10 MB free-text field badly; large blocks also read faster.
BLOCK_BYTES = 16 << 20
ROW_NUMBER = "_row_number"
_TEXT_TYPES = (pa.string(), pa.large_string(), pa.null())
_TEXT_AS_JSON = (pa.int64(), pa.bool_())  # str() of these equals their JSON text
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Scan:
    """What one pass over a file's (decompressed) bytes tells before Arrow reads it."""

    head: bytes  # the first block, for the header row and the delimiter
    quotes: int
    lines: int  # a last line without a newline counts
    bom: bool


def scan(path: Path) -> Scan | None:
    """Quotes and lines of a UTF-8 file, or None when it is not UTF-8 (the Python reader
    recognises Windows-1251 and transcodes it) or empty."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head, quotes, newlines, last = b"", 0, 0, b""
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            while chunk := stream.read(BLOCK_BYTES):
                head = head or chunk
                quotes += chunk.count(b'"')
                newlines += chunk.count(b"\n")
                decoder.decode(chunk)
                last = chunk[-1:]
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, pa.ArrowException, OSError):
        return None
    if not head.strip():
        return None
    return Scan(head, quotes, newlines + (last != b"\n"), head.startswith(_BOM))


def open_csv(path: Path, header: list[str], delimiter: str) -> pa.RecordBatchReader:
    """Text columns named ``header`` plus _row_number (1..n), read block by block; a row of
    the wrong width raises while reading."""
    reader = pa_csv.open_csv(
        pa.input_stream(str(path), compression="detect"),
        read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=BLOCK_BYTES),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                          escape_char=False, newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(column_types={h: pa.string() for h in header},
                                              strings_can_be_null=True, null_values=[""]),
    )
    return _numbered(reader, header)


def open_jsonl(path: Path, columns: tuple[str, ...]) -> tuple[list[str], pa.RecordBatchReader] | None:
    """Keys (as found in the first block) and their text columns plus _row_number, or None
    when a key holds something whose JSON text Arrow does not keep (a float, an object)."""
    schema = pa.schema([(c, pa.string()) for c in columns])
    reader = pa_json.open_json(
        pa.input_stream(str(path), compression="detect"),
        read_options=pa_json.ReadOptions(block_size=BLOCK_BYTES),
        parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer"),
    )
    if reader.schema.names == [] or any(f.type not in _TEXT_TYPES + _TEXT_AS_JSON for f in reader.schema):
        return None
    return reader.schema.names, _numbered(reader, reader.schema.names)


def _numbered(reader: pa.RecordBatchReader, names: list[str]) -> pa.RecordBatchReader:
    """The reader's batches as text columns called ``names``, with a running _row_number."""
    schema = pa.schema([(name, pa.string()) for name in names] + [(ROW_NUMBER, pa.int64())])

    def batches() -> Iterator[pa.RecordBatch]:
        start = 1
        for batch in reader:
            rows = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [column.cast(pa.string()) for column in batch.columns]
                + [pa.array(range(start, start + rows), pa.int64())], schema=schema)
            start += rows

    return pa.RecordBatchReader.from_batches(schema, batches())
