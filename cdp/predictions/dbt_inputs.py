"""The inputs the dbt Python models hand over, and the as-of date they are configured with."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import pyarrow as pa


def as_of_from(value: object) -> datetime | None:
    """var rfm_as_of as configured (empty or 'None' when unset: the latest purchase)."""
    text = str(value or "").strip()
    if text in ("", "None", "none"):
        return None
    return datetime.fromisoformat(text)


def inputs(purchases, record_summary, purchase_lines) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Arrow tables of the revenue purchases with a customer, the customers with when they were
    first seen, and the product categories of the purchases (from DuckDB relations)."""
    return (
        purchases.filter("is_revenue and customer_id is not null")
        .project("customer_id, purchase_key, purchased_at, amount_base").to_arrow_table(),
        record_summary.project("customer_id, first_record_at as first_seen_at").to_arrow_table(),
        purchase_lines.project("purchase_key, category").to_arrow_table(),
    )


@contextmanager
def model_history(purchases, record_summary, purchase_lines):
    """The History a dbt Python model learns from, closed afterwards. The model passes its
    dbt.ref() relations and reads dbt.config.get() itself: dbt finds a Python model's parents
    and configuration by reading the model's own file."""
    from .history import History

    history = History(*inputs(purchases, record_summary, purchase_lines))
    try:
        yield history
    finally:
        history.close()
