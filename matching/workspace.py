"""The in-memory DuckDB connection matching works in, bounded so that it spills to disk
instead of running out of memory.

Matching runs inside the dbt process, next to dbt's own DuckDB instance on the warehouse
(which may use up to 80% of memory by DuckDB's default) and the Arrow tables that carry
records and pairs between the two. An unbounded second instance also assumes 80% for
itself; at ten million records the two together were killed for lack of memory. So the
matching instance gets a share of physical memory and a spill folder:

* ``CDP_MATCHING_MEMORY_LIMIT`` (e.g. ``8GB``), default MEMORY_SHARE of physical memory;
* ``CDP_MATCHING_TEMP_DIR``, default a folder in the system temporary directory.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import duckdb

MEMORY_SHARE = 0.35


def workspace() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection with a memory limit and a spill folder."""
    limit = os.environ.get("CDP_MATCHING_MEMORY_LIMIT") or f"{_physical_mib() * MEMORY_SHARE:.0f}MB"
    base = Path(os.environ.get("CDP_MATCHING_TEMP_DIR") or Path(tempfile.gettempdir()) / "cdp-matching")
    base.mkdir(parents=True, exist_ok=True)
    # a folder of its own: DuckDB names its spill files alike in every instance, so two
    # matching processes sharing one folder would overwrite each other's; DuckDB creates it
    # when it first spills and removes it when the connection closes
    spill = base / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    # insertion order is never relied on (every result is grouped or sorted); keeping it costs memory
    return duckdb.connect(config={"memory_limit": limit, "temp_directory": str(spill),
                                  "preserve_insertion_order": False})


def _physical_mib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
