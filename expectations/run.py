"""Run the suites against the warehouse.

    python -m expectations.run [--suite NAME ...]

Exits non-zero when a suite fails. Prints counts only, never values: the tables hold
personal data.
"""

from __future__ import annotations

import argparse
import html
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from expectations.passes import gate_passed_batches, passed_batches, record_pass
from expectations.suites import SUITES, Spec, Suite, raw_suite_of

# A raw suite validates at most this many rows, drawn uniformly (its rates are then known to
# within about ±0.1%): at ten million records whole raw tables in pandas ran out of memory.
RAW_SAMPLE_ROWS = 500_000


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    failed: list[str]
    rows: int
    result: object = field(default=None, compare=False, repr=False)  # the GE result, for data docs
    sampled_from: int | None = None  # rows to check when ``rows`` of them were a random sample
    gated_batches: int = 0  # new batches whose values the load gate had checked (not read again)

    def describe(self) -> str:
        if self.result is None and self.success:
            return f"{self.suite}: passed (no new batches)"
        verdict = "passed" if self.success else "FAILED"
        passed = self.evaluated - len(self.failed)
        rows = f"{self.rows} rows" + (f" sampled from {self.sampled_from}" if self.sampled_from else "")
        if self.gated_batches:
            rows += f"; values of {self.gated_batches} batch(es) checked by the load gate"
        text = f"{self.suite}: {verdict} ({passed}/{self.evaluated} expectations, {rows})"
        return text + "".join(f"\n    failed: {f}" for f in self.failed)


def validate(con: duckdb.DuckDBPyConnection, suite: Suite, table: str | None = None,
             expectations: list[Spec] | None = None, new_batches_only: bool = False) -> SuiteOutcome:
    """Validate one suite (or some of its expectations, on another table) on a warehouse connection.

    ``new_batches_only``: a raw suite reads only the load batches no earlier pass covered
    (see expectations.passes); with none, it passes at once (0 rows, 0 expectations). Of
    those, batches whose values passed the loader's gate are checked for columns and ids
    only: the gate measured the same rates on them as they landed."""
    whole = table is None and expectations is None
    expectations = suite.expectations if expectations is None else expectations
    skipped = gated = frozenset()
    if whole and new_batches_only and suite.batch_column:
        skipped = passed_batches(con, suite)
        gated = gate_passed_batches(con, suite) - skipped
    to_check = con.execute(f"select count(*) from {suite.table}{suite.batch_filter(skipped)}"
                           ).fetchall()[0][0] if whole and suite.batch_column else None
    if skipped and not to_check:
        return SuiteOutcome(suite.name, True, 0, [], 0)
    # a raw suite's checks are rates (and ids the loader never lets through empty): beyond
    # RAW_SAMPLE_ROWS rows they are measured on a uniform sample, as the load gate does
    sampled = to_check is not None and to_check > RAW_SAMPLE_ROWS
    frame = _frame(con, suite.query(table, expectations, skipped, sample_rows=RAW_SAMPLE_ROWS if sampled else None,
                                    gated_batches=gated))
    import great_expectations as gx  # here, not at the top: importing it takes 5 s
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _skip_batch_fingerprints()

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (context.data_sources.add_pandas(name="warehouse")
             .add_dataframe_asset(name=suite.name)
             .add_batch_definition_whole_dataframe("whole_table"))
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    for expectation in expectations:
        gx_suite.add_expectation(expectation.build())
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    failed = [_describe_failure(r) for r in result.results if not r.success]
    if result.success and whole:
        record_pass(con, suite, skipped)
    return SuiteOutcome(suite.name, bool(result.success), len(result.results), failed, len(frame), result,
                        sampled_from=to_check if sampled else None, gated_batches=len(gated))


def _skip_batch_fingerprints() -> None:
    """Great Expectations fingerprints every pandas batch under HASH_THRESHOLD (1 GB) by
    hashing all of its values, for a batch marker (pandas_data_fingerprint) that nothing
    here reads: a third of the suites' time at a million records (25 s -> 16.5 s for every
    suite). The threshold is the only switch it has."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def _frame(con: duckdb.DuckDBPyConnection, query: str):
    """The rows as a pandas frame by way of Arrow: DuckDB's ``.df()`` builds the text columns
    value by value, three times slower at a million rows. Decimals become doubles (cast by
    DuckDB, exactly as ``.df()`` converts them) and dates datetimes, as ``.df()`` makes them."""
    rows = con.sql(query)
    if any(str(kind).startswith("DECIMAL") for kind in rows.types):
        rows = rows.project(", ".join(
            f'"{name}"::double as "{name}"' if str(kind).startswith("DECIMAL") else f'"{name}"'
            for name, kind in zip(rows.columns, rows.types, strict=True)))
    return rows.to_arrow_table().to_pandas(date_as_object=False)


# Sample values GE keeps for failed expectations: personal data, so kept out of the HTML docs.
_SAMPLE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list",
                "unexpected_list", "unexpected_index_list")


def write_data_docs(outcomes: list[SuiteOutcome], directory: Path) -> Path:
    """Great Expectations' HTML page per validated suite plus an index; counts only, no sample values."""
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for outcome in outcomes:
        if outcome.result is None:  # nothing new to validate: the page of the last pass stays
            rows.append(f'<tr><td><a href="{outcome.suite}.html">{outcome.suite}</a></td>'
                        "<td>passed (no new batches)</td><td></td><td>0</td></tr>")
            continue
        for expectation_result in outcome.result.results:
            for key in _SAMPLE_KEYS:
                (expectation_result.result or {}).pop(key, None)
        page = DefaultJinjaPageView().render(ValidationResultsPageRenderer().render(outcome.result))
        (directory / f"{outcome.suite}.html").write_text(page, encoding="utf-8")
        verdict = "passed" if outcome.success else "FAILED"
        met = f"{outcome.evaluated - len(outcome.failed)}/{outcome.evaluated}"
        rows.append(f'<tr><td><a href="{outcome.suite}.html">{outcome.suite}</a></td><td>{verdict}</td>'
                    f"<td>{met}</td><td>{outcome.rows}</td></tr>")
    index = directory / "index.html"
    index.write_text("<!doctype html><html><head><meta charset='utf-8'><title>cdp data docs</title></head><body>"
                     "<h1>Great Expectations validation results</h1><table border='1'>"
                     "<tr><th>suite</th><th>result</th><th>expectations met</th><th>rows</th></tr>"
                     + "".join(rows) + "</table><p>" + html.escape("Counts only; no values.") + "</p></body></html>",
                     encoding="utf-8")
    return index


def _describe_failure(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column")
    detail = result.result or {}
    counts = ""
    if "unexpected_count" in detail:
        counts = f": {detail['unexpected_count']} unexpected ({detail.get('unexpected_percent', 0):.2f}%)"
    elif "observed_value" in detail and isinstance(detail["observed_value"], int | float):
        counts = f": observed {detail['observed_value']}"
    if result.exception_info and result.exception_info.get("raised_exception"):
        counts = f": error {result.exception_info.get('exception_message')}"
    return f"{config.type}" + (f"({column})" if column else "") + counts


def validate_batch(con: duckdb.DuckDBPyConnection, entity_key: str, table: str,
                   present: set[str]) -> SuiteOutcome | None:
    """The raw suite's value checks on one staged batch (``table``); None when none applies."""
    suite = raw_suite_of(entity_key)
    checks = suite.value_checks(present)
    return validate(con, suite, table, checks) if checks else None


def validate_warehouse(warehouse: Path, names: list[str] | None = None,
                       new_batches_only: bool = False) -> list[SuiteOutcome]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [validate(con, SUITES[name], new_batches_only=new_batches_only) for name in (names or list(SUITES))]


def main(argv: list[str] | None = None) -> int:
    from cdp.ingest.contract import warehouse_path

    parser = argparse.ArgumentParser(description="Run the Great Expectations suites on the warehouse.")
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="default: all suites")
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    parser.add_argument("--docs", type=Path, default=Path("reports/data_docs"),
                        help="where the HTML data docs go (default: reports/data_docs)")
    parser.add_argument("--new-batches", action="store_true",
                        help="raw suites check only load batches no earlier pass covered (as the Dagster checks do)")
    args = parser.parse_args(argv)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    outcomes = validate_warehouse(args.warehouse or warehouse_path(), args.suite, args.new_batches)
    for outcome in outcomes:
        print(outcome.describe())
    print(f"data docs: {write_data_docs(outcomes, args.docs)}")
    return 0 if all(o.success for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
