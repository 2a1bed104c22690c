"""Incremental, deterministic writers for the landing-zone file formats.

Every writer takes rows as tuples of strings in contract column order ("" = missing)
and writes them as they come, so the generator never holds a whole entity in memory.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_encode_str = json.encoder.py_encode_basestring
try:  # the C accelerated encoder (same output as json.dumps(..., ensure_ascii=False))
    from _json import encode_basestring as _encode_str  # type: ignore[no-redef]
except ImportError:  # pragma: no cover
    pass


class _Writer:
    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.path = path
        self.columns = columns
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, rows: list[tuple[str, ...]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class CsvWriter(_Writer):
    """UTF-8 CSV with header, comma, standard quoting; ``.csv.gz`` is gzip with mtime 0."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        super().__init__(path, columns)
        self._raw = open(path, "wb")
        if path.name.endswith(".gz"):
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6)
            binary = self._gz
        else:
            self._gz = None
            binary = self._raw
        self._fh = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(columns)

    def write(self, rows):
        self._csv.writerows(rows)
        self.rows += len(rows)

    def close(self):
        self._fh.flush()
        self._fh.detach()
        if self._gz is not None:
            self._gz.close()
        self._raw.close()


class JsonlWriter(_Writer):
    """One JSON object per line; every value a JSON string, or null when missing."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        super().__init__(path, columns)
        self._fh = open(path, "w", encoding="utf-8", newline="\n")
        # '{"col": ' prefixes; values are encoded with the json module's own string encoder
        self._keys = ['"' + c + '": ' for c in columns]

    def write(self, rows):
        keys = self._keys
        enc = _encode_str
        lines = ["{" + ", ".join([k + (enc(v) if v else "null") for k, v in zip(keys, row, strict=True)])
                 + "}" for row in rows]
        if lines:
            self._fh.write("\n".join(lines) + "\n")
        self.rows += len(rows)

    def close(self):
        self._fh.close()


class ParquetWriter(_Writer):
    """Parquet with every column of type string (null when missing), row groups of ~250k rows."""

    ROW_GROUP = 100_000

    def __init__(self, path: Path, columns: tuple[str, ...]):
        super().__init__(path, columns)
        self._schema = pa.schema([(c, pa.string()) for c in columns])
        self._writer = pq.ParquetWriter(path, self._schema, compression="zstd")
        self._pending: list[tuple[str, ...]] = []

    def _flush(self):
        if not self._pending:
            return
        cols = list(zip(*self._pending, strict=True))
        arrays = [pa.array([v if v != "" else None for v in col], type=pa.string()) for col in cols]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        self._pending = []

    def write(self, rows):
        self._pending.extend(rows)
        self.rows += len(rows)
        if len(self._pending) >= self.ROW_GROUP:
            self._flush()

    def close(self):
        self._flush()
        self._writer.close()


def open_writer(path: Path, columns: tuple[str, ...]) -> _Writer:
    name = path.name
    if name.endswith((".csv", ".csv.gz")):
        return CsvWriter(path, columns)
    if name.endswith(".jsonl"):
        return JsonlWriter(path, columns)
    if name.endswith(".parquet"):
        return ParquetWriter(path, columns)
    raise ValueError(f"unsupported file type: {path}")
