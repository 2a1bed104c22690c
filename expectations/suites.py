"""The suites, defined in code so they are versioned and reviewed with the models they guard.

Each suite names the warehouse query it validates and the Dagster asset it checks.
Only the columns a suite needs are read, to keep large tables out of memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations as gx
from great_expectations.expectations import Expectation

from cdp.contract import ENTITIES_BY_KEY

_CONTACTS = ENTITIES_BY_KEY["crm/contacts"]
_DATE_TEXT = r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{8}|\d{1,2}[./]\d{1,2}[./]\d{4})\s*$"
_EMAIL_TEXT = r"^\s*[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\s*$"


@dataclass(frozen=True)
class Spec:
    """One expectation: its Great Expectations class and arguments (built fresh for every run)."""

    kind: type[Expectation]
    kwargs: dict

    def build(self) -> Expectation:
        return self.kind(**self.kwargs)

    @property
    def columns(self) -> list[str]:
        if "column" in self.kwargs:
            return [self.kwargs["column"]]
        return list(self.kwargs.get("column_set", []))


@dataclass(frozen=True)
class Suite:
    name: str
    asset_key: tuple[str, ...]
    table: str
    expectations: list[Spec] = field(default_factory=list)
    description: str = ""

    def query(self) -> str:
        columns = sorted({c for e in self.expectations for c in e.columns})
        select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        return f"select {select} from {self.table}"


class _Expectations:
    """``E.ExpectX(**kwargs)`` records a Spec instead of building the expectation now."""

    def __getattr__(self, name: str):
        kind = getattr(gx.expectations, name)
        return lambda **kwargs: Spec(kind, kwargs)


E = _Expectations()

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite(
            name="raw_crm_contacts",
            asset_key=("crm", "contacts"),
            table="raw.crm__contacts",
            description="Raw CRM contacts as loaded: contract columns, ids present, dates and e-mails parseable.",
            expectations=[
                E.ExpectTableRowCountToBeBetween(min_value=1),
                E.ExpectTableColumnsToMatchSet(
                    column_set=[*_CONTACTS.columns, "_batch_id", "_source_file", "_row_number", "_loaded_at"],
                    exact_match=False,
                ),
                E.ExpectColumnValuesToNotBeNull(column="contact_id"),
                E.ExpectColumnValuesToNotBeNull(column="_batch_id"),
                E.ExpectColumnValuesToMatchRegex(column="birth_date", regex=_DATE_TEXT, mostly=0.95),
                E.ExpectColumnValuesToMatchRegex(column="email", regex=_EMAIL_TEXT, mostly=0.9),
                E.ExpectColumnValuesToNotBeNull(column="last_name", mostly=0.8),
            ],
        ),
        Suite(
            name="mart_dim_customers",
            asset_key=("dim_customers",),
            table="main.dim_customers",
            description="One row per customer, sane counts and amounts.",
            expectations=[
                E.ExpectTableRowCountToBeBetween(min_value=1),
                E.ExpectColumnValuesToNotBeNull(column="customer_id"),
                E.ExpectColumnValuesToBeUnique(column="customer_id"),
                E.ExpectColumnValuesToBeBetween(column="source_record_count", min_value=1),
                E.ExpectColumnValuesToBeBetween(column="channel_count", min_value=1, max_value=7),
                E.ExpectColumnValuesToBeBetween(column="revenue", min_value=0),
                E.ExpectColumnValuesToBeBetween(column="avg_match_confidence", min_value=0, max_value=1),
                E.ExpectColumnValuesToMatchRegex(column="phone", regex=r"^\+[1-9]\d{6,14}$"),
            ],
        ),
        Suite(
            name="mart_customer_crosswalk",
            asset_key=("customer_crosswalk",),
            table="main.customer_crosswalk",
            description="Every identity record mapped once to a customer with a confidence in [0, 1].",
            expectations=[
                E.ExpectTableRowCountToBeBetween(min_value=1),
                E.ExpectColumnValuesToNotBeNull(column="customer_id"),
                E.ExpectColumnValuesToBeUnique(column="record_key"),
                E.ExpectColumnValuesToNotBeNull(column="source_record_id"),
                E.ExpectColumnValuesToBeInSet(
                    column="channel", value_set=["crm", "loyalty", "webshop", "pos", "callcentre", "messenger", "web"]
                ),
                E.ExpectColumnValuesToBeBetween(column="match_confidence", min_value=0, max_value=1),
            ],
        ),
    )
}
