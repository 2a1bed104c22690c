"""dbt-duckdb plugin that makes the normalisation functions available to SQL models.

profiles.yml lists this module under ``plugins``; dbt-duckdb calls ``configure_connection``
on every connection it opens, so ``cdp_name_key``, ``cdp_name_variant``, ``cdp_text_key`` and ``cdp_phone_e164`` can be
used in any model.
"""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from cdp.normalize import name_key, name_variant_key, phone_e164, text_key


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_functions(conn)


def register_functions(conn: DuckDBPyConnection) -> None:
    """Register the normalisation UDFs on a DuckDB connection (idempotent).

    They are Arrow (vectorised) functions: DuckDB hands over 2,048 values at a time instead
    of calling into Python once per row. At a million records this did not shorten
    int_identity_records measurably: phone parsing (phonenumbers, ~50 µs a number) is most
    of its time, not the calls."""
    for name, fn, params in (
        ("cdp_name_key", name_key, ["VARCHAR"]),
        ("cdp_text_key", text_key, ["VARCHAR"]),
        ("cdp_name_variant", name_variant_key, ["VARCHAR"]),
        ("cdp_phone_e164", phone_e164, ["VARCHAR", "VARCHAR"]),
    ):
        try:
            conn.remove_function(name)
        except Exception:  # noqa: BLE001 - not registered yet on this connection
            pass
        conn.create_function(name, _vectorised(fn, len(params)), params, "VARCHAR", type="arrow",
                             null_handling="special", side_effects=False)


def _vectorised(fn, arity: int):
    """``fn`` of Python values as a function of Arrow arrays (None stays None unless ``fn`` decides).
    DuckDB counts the parameters of the function it is given, so one- and two-argument forms."""
    if arity == 1:
        def apply_one(values: pa.Array) -> pa.Array:
            return pa.array([fn(v) for v in values.to_pylist()], pa.string())
        return apply_one

    def apply_two(first: pa.Array, second: pa.Array) -> pa.Array:
        return pa.array([fn(a, b) for a, b in zip(first.to_pylist(), second.to_pylist(), strict=True)], pa.string())
    return apply_two
