"""dbt-duckdb plugin that makes the normalisation functions available to SQL models.

profiles.yml lists this module under ``plugins``; dbt-duckdb calls ``configure_connection``
on every connection it opens, so ``cdp_name_key``, ``cdp_name_variant``, ``cdp_text_key`` and ``cdp_phone_e164`` can be
used in any model.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from cdp.normalize import name_key, name_variant_key, phone_e164, text_key


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_functions(conn)


def register_functions(conn: DuckDBPyConnection) -> None:
    """Register the normalisation UDFs on a DuckDB connection (idempotent)."""
    for name, fn, params in (
        ("cdp_name_key", name_key, ["VARCHAR"]),
        ("cdp_text_key", text_key, ["VARCHAR"]),
        ("cdp_name_variant", name_variant_key, ["VARCHAR"]),
        ("cdp_phone_e164", _phone_e164, ["VARCHAR", "VARCHAR"]),
    ):
        try:
            conn.remove_function(name)
        except Exception:  # noqa: BLE001 - not registered yet on this connection
            pass
        conn.create_function(name, fn, params, "VARCHAR", null_handling="special", side_effects=False)


def _phone_e164(phone: str | None, country: str | None) -> str | None:
    return phone_e164(phone, country)
