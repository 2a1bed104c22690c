"""dbt-duckdb plugin that makes the normalisation functions available to SQL models.

profiles.yml lists this module under ``plugins``; dbt-duckdb calls ``configure_connection``
on every connection it opens, so ``cdp_name_key``, ``cdp_name_variant``, ``cdp_text_key`` and ``cdp_phone_e164`` can be
used in any model.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from cdp.keys.normalize import name_key, name_variant_key, phone_e164_many, text_key

# Phone parsing (phonenumbers, 50-70 µs a number) is the one normalisation that costs: at ten
# million records it parsed 6 million texts in 426 s, on one core, since a Python function
# holds the interpreter lock. A batch of at least PARALLEL_MIN values is therefore split
# across worker processes, one per core.
PARALLEL_MIN = 1024
# The workers hold phonenumbers' metadata and their caches: 0.75 GB each at ten million
# records, kept for nothing once the phones are parsed, while matching, later in the same
# build, needs the memory most. A pool idle this long is shut down (the next use starts one).
POOL_IDLE_SECONDS = 20.0


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_functions(conn)


def register_functions(conn: DuckDBPyConnection) -> None:
    """Register the normalisation UDFs on a DuckDB connection (idempotent).

    They are Arrow (vectorised) functions: DuckDB hands over 2,048 values at a time instead
    of calling into Python once per row. At a million records this did not shorten
    int_identity_records measurably: phone parsing (phonenumbers, ~50 µs a number) is most
    of its time, not the calls, so that one is spread over worker processes."""
    for name, fn, params in (
        ("cdp_name_key", name_key, ["VARCHAR"]),
        ("cdp_text_key", text_key, ["VARCHAR"]),
        ("cdp_name_variant", name_variant_key, ["VARCHAR"]),
        ("cdp_phone_e164", phone_e164_many, ["VARCHAR", "VARCHAR"]),
    ):
        try:
            conn.remove_function(name)
        except Exception:  # noqa: BLE001 - not registered yet on this connection
            pass
        conn.create_function(name, _vectorised(fn, len(params)), params, "VARCHAR", type="arrow",
                             null_handling="special", side_effects=False)


def _vectorised(fn, arity: int):
    """``fn`` as a function of Arrow arrays (None stays None unless ``fn`` decides): of one
    Python value, or (two arguments) of a list of argument pairs, which is split across
    processes. DuckDB counts the parameters of the function it is given, hence two forms."""
    if arity == 1:
        def apply_one(values: pa.Array) -> pa.Array:
            return pa.array([fn(v) for v in values.to_pylist()], pa.string())
        return apply_one

    def apply_two(first: pa.Array, second: pa.Array) -> pa.Array:
        return pa.array(_in_parallel(fn, list(zip(first.to_pylist(), second.to_pylist(), strict=True))), pa.string())
    return apply_two


def _in_parallel(many, pairs: list[tuple]) -> list:
    """``many`` (a function of a list of argument pairs) over ``pairs``, split across the
    worker processes when there are enough of them and more than one core."""
    workers = os.cpu_count() or 1
    if len(pairs) < PARALLEL_MIN or workers < 2:
        return many(pairs)
    size = math.ceil(len(pairs) / workers)
    chunks = [pairs[start:start + size] for start in range(0, len(pairs), size)]
    with _borrowed_pool as pool:
        return [value for chunk in pool.map(many, chunks) for value in chunk]


class _IdlePool:
    """One process pool for the dbt process, shut down after POOL_IDLE_SECONDS without use.
    dbt runs models on two threads, so users are counted and only an unused pool is closed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._users = 0
        self._timer: threading.Timer | None = None

    def __enter__(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._pool is None:
                # spawned, not forked: the dbt process runs DuckDB threads, which a fork would copy mid-flight
                self._pool = ProcessPoolExecutor(max_workers=os.cpu_count(),
                                                 mp_context=multiprocessing.get_context("spawn"))
            self._users += 1
            return self._pool

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._timer = threading.Timer(POOL_IDLE_SECONDS, self.close_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def close_if_idle(self) -> None:
        with self._lock:
            if self._users or self._pool is None:
                return
            pool, timer, self._pool, self._timer = self._pool, self._timer, None, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        pool.shutdown(wait=True)

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    def stop_timer(self) -> None:
        """At exit: a waiting timer thread would outlive the interpreter's clean-up."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join()


_borrowed_pool = _IdlePool()
atexit.register(_borrowed_pool.stop_timer)
