"""The suites, defined in code so they are versioned and reviewed with the models they guard.

Each suite names the warehouse query it validates and the Dagster asset it checks.
Only the columns a suite needs are read, to keep large tables out of memory.

* ``raw_<channel>_<entity>``, one per contract entity, built from the contract: the
  schema, required ids, and the rates of parseable dates and timestamps, plausible amounts
  and valid e-mails and phones. The loader runs the value checks on every batch before it
  lands (a failing batch is quarantined with the failed checks as reason); the (non-blocking)
  Dagster asset checks run the whole suite on the batches no earlier pass covered, and
  `cdp check` on the whole tables.
* ``mart_*`` guard the published marts: one row per customer, the crosswalk covers every
  identity record exactly once, no orphan purchases, revenue reconciles. A failure stops
  publishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdp.ingest.contract import ENTITIES, Entity
from cdp.ingest.ledger import METADATA_COLUMNS

_DATE_TEXT = r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{8}|\d{1,2}[./]\d{1,2}[./]\d{4})\s*$"
_TIMESTAMP_TEXT = r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$"
_EMAIL_TEXT = r"^\s*[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\s*$"
_PHONE_TEXT = r"^\s*\+?[\d\s().-]{6,24}\s*$"
_NUMBER_TEXT = r"^\s*[+-]?\d[\d\s]*(?:[.,]\d+)*\s*$"
# Plausible ranges of amounts and counts: a till receipt of 10 million or minus one is a typo.
_PLAUSIBLE = {"total_amount": (0, 10_000_000), "unit_price": (0, 10_000_000), "line_amount": (-10_000_000, 10_000_000),
              "quantity": (-1_000, 10_000), "points": (-1_000_000, 1_000_000), "duration_seconds": (0, 86_400),
              "message_count": (0, 1_000_000)}


@dataclass(frozen=True)
class Spec:
    """One expectation: the name of its Great Expectations class and its arguments (built
    fresh for every run). Held by name so that reading the suites (publishing, fingerprints,
    loading the Dagster definitions) does not import Great Expectations, which takes 5 s."""

    kind: str
    kwargs: dict

    def build(self):
        import great_expectations as gx

        return getattr(gx.expectations, self.kind)(**self.kwargs)

    @property
    def is_value_check(self) -> bool:
        """A rate over one column's values (the kind the loader's gate runs on each batch)."""
        return "column" in self.kwargs and "mostly" in self.kwargs

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
    derived: dict[str, str] = field(default_factory=dict)  # column name -> SQL expression over the table
    sql: str = ""  # a whole query instead of columns of ``table`` (checks across tables)
    batch_column: str = ""  # raw tables: the load batch of each row, so new batches can be checked alone

    def query(self, table: str | None = None, expectations: list[Spec] | None = None,
              skip_batches: frozenset[str] = frozenset(), sample_rows: int | None = None,
              gated_batches: frozenset[str] = frozenset()) -> str:
        """The rows to validate; with ``sample_rows``, a uniform random sample of that many.

        ``gated_batches``: batches whose values the loader's gate already checked; their
        value-check columns read as null, which those checks (rates over non-null values)
        do not count, while the columns and ids are still checked on every row."""
        if self.sql:
            return self.sql
        expectations = expectations or self.expectations
        columns = sorted({c for e in expectations for c in e.columns})
        valued = {e.kwargs["column"] for e in expectations if "column" in e.kwargs}
        gated_columns = {e.kwargs["column"] for e in self.expectations if e.is_value_check}
        listed = _listed(gated_batches)

        def expression(column: str) -> str:
            if column not in valued:  # only the column-set check names it: its values are not needed
                return "null::varchar"
            value = self.derived.get(column, f'"{column}"')
            if listed and column in gated_columns:
                return f'case when "{self.batch_column}" in ({listed}) then null else {value} end'
            return value

        select = ", ".join(f'{expression(c)} as "{c}"' for c in columns)
        rows = f"{table or self.table}{self.batch_filter(skip_batches)}"
        if sample_rows is not None:
            # exactly sample_rows rows, uniform and repeatable: those first by a seeded hash of
            # the row id (bottom-k sampling). DuckDB's repeatable reservoir sample runs on one
            # thread: 8.7 s against 1.9 s for a million records' 1.6M web events.
            rows = f"(select * from {rows} order by hash(rowid, 42) limit {sample_rows})"
        return f"select {select or '*'} from {rows}"

    def batch_filter(self, skip_batches: frozenset[str]) -> str:
        """SQL: rows of batches other than ``skip_batches`` (content hashes, so safe to inline)."""
        listed = _listed(skip_batches)
        return f' where "{self.batch_column}" not in ({listed})' if listed else ""

    def value_checks(self, present: set[str]) -> list[Spec]:
        """The per-row value expectations on columns in ``present`` (what the loader checks per batch)."""
        def source(column: str) -> str:
            return column.removesuffix("__value")
        return [e for e in self.expectations if e.is_value_check and source(e.kwargs["column"]) in present]


def _listed(batches: frozenset[str]) -> str:
    """Batch ids (content hashes, so safe to inline) as an SQL list; anything else is left out."""
    return ", ".join(f"'{b}'" for b in sorted(batches) if all(c in "0123456789abcdef" for c in b))


def _amount(column: str) -> str:
    """The number a raw amount text most likely means (spaces dropped, decimal comma read as a point)."""
    return f"try_cast(replace(replace(trim(\"{column}\"), ' ', ''), ',', '.') as double)"


def raw_suite(entity: Entity) -> Suite:
    """The gate of one raw entity, derived from the contract's column names."""
    specs = [
        E.ExpectTableColumnsToMatchSet(column_set=[*entity.columns, *METADATA_COLUMNS], exact_match=False),
        *(E.ExpectColumnValuesToNotBeNull(column=c) for c in [*entity.required, "_batch_id", "_source_file"]),
    ]
    derived = {}
    for column in entity.columns:
        if column == "birth_date":
            specs.append(E.ExpectColumnValuesToMatchRegex(column=column, regex=_DATE_TEXT, mostly=0.95))
        elif column.endswith("_at"):
            specs.append(E.ExpectColumnValuesToMatchRegex(column=column, regex=_TIMESTAMP_TEXT, mostly=0.95))
        elif column in ("email", "form_email"):
            specs.append(E.ExpectColumnValuesToMatchRegex(column=column, regex=_EMAIL_TEXT, mostly=0.9))
        elif column == "phone":
            specs.append(E.ExpectColumnValuesToMatchRegex(column=column, regex=_PHONE_TEXT, mostly=0.9))
        elif column in _PLAUSIBLE:
            low, high = _PLAUSIBLE[column]
            derived[f"{column}__value"] = _amount(column)
            specs.append(E.ExpectColumnValuesToMatchRegex(column=column, regex=_NUMBER_TEXT, mostly=0.95))
            specs.append(E.ExpectColumnValuesToBeBetween(column=f"{column}__value", min_value=low, max_value=high,
                                                         mostly=0.99))
    return Suite(
        name=f"raw_{entity.channel}_{entity.name}",
        asset_key=(entity.channel, entity.name),
        table=f"raw.{entity.raw_table}",
        description=f"Raw {entity.key} as loaded: contract columns, ids present, dates, amounts and contact "
                    "points parseable at the expected rates.",
        expectations=specs,
        derived=derived,
        batch_column="_batch_id",
    )


class _Expectations:
    """``E.ExpectX(**kwargs)`` records a Spec instead of building the expectation now."""

    def __getattr__(self, name: str):
        return lambda **kwargs: Spec(name, kwargs)


E = _Expectations()

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        *(raw_suite(entity) for entity in ENTITIES),
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
        Suite(
            name="mart_crosswalk_coverage",
            asset_key=("customer_crosswalk",),
            table="main.int_identity_records",
            description="Every identity record appears in the crosswalk exactly once, and nothing else does.",
            sql="""select coalesce(i.record_key, c.record_key) as record_key,
                          count(c.record_key) as crosswalk_rows, count(i.record_key) as identity_rows
                   from main.int_identity_records i full join main.customer_crosswalk c using (record_key)
                   group by all""",
            expectations=[
                E.ExpectColumnValuesToBeBetween(column="crosswalk_rows", min_value=1, max_value=1),
                E.ExpectColumnValuesToBeBetween(column="identity_rows", min_value=1, max_value=1),
            ],
        ),
        Suite(
            name="mart_fct_purchases",
            asset_key=("fct_purchases",),
            table="main.fct_purchases",
            description="No orphan purchases (every customer id has a profile) and revenue (base currency) "
                        "reconciles with profiles.",
            sql="""select p.customer_id, d.customer_id is not null as has_profile,
                          (select sum(revenue) from main.dim_customers)
                          - (select coalesce(sum(amount_base), 0) from main.fct_purchases
                             where is_revenue and customer_id is not null) as revenue_difference
                   from main.fct_purchases p left join main.dim_customers d using (customer_id)
                   where p.customer_id is not null""",
            expectations=[
                E.ExpectColumnValuesToBeInSet(column="has_profile", value_set=[True]),
                E.ExpectColumnValuesToBeBetween(column="revenue_difference", min_value=-0.01, max_value=0.01),
            ],
        ),
        Suite(
            name="mart_customer_predictions",
            asset_key=("customer_predictions",),
            table="main.customer_predictions",
            description="One row of scores per customer, probabilities in [0, 1], values not negative, and "
                        "the model version stamped.",
            sql="""select p.customer_id, p.churn_probability, p.purchase_probability_30d, p.predicted_ltv_12m,
                          p.model_version,
                          (select count(*) from main.dim_customers) - (select count(*) from main.customer_predictions)
                              as unscored_customers
                   from main.customer_predictions p""",
            expectations=[
                E.ExpectColumnValuesToBeUnique(column="customer_id"),
                E.ExpectColumnValuesToBeBetween(column="churn_probability", min_value=0, max_value=1),
                E.ExpectColumnValuesToNotBeNull(column="purchase_probability_30d"),
                E.ExpectColumnValuesToBeBetween(column="purchase_probability_30d", min_value=0, max_value=1),
                E.ExpectColumnValuesToBeBetween(column="predicted_ltv_12m", min_value=0),
                E.ExpectColumnValuesToNotBeNull(column="model_version"),
                E.ExpectColumnValuesToBeBetween(column="unscored_customers", min_value=0, max_value=0),
            ],
        ),
    )
}


def raw_suite_of(entity_key: str) -> Suite:
    """The raw suite of a contract entity ('crm/contacts' -> raw_crm_contacts)."""
    return SUITES["raw_" + entity_key.replace("/", "_")]
