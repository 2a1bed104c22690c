"""Run the suites against the warehouse.

    python -m expectations.run [--suite NAME ...]

Exits non-zero when a suite fails. Prints counts only, never values: the tables hold
personal data.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.suites import SUITES, Spec, Suite


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    failed: list[str]
    rows: int

    def describe(self) -> str:
        verdict = "passed" if self.success else "FAILED"
        passed = self.evaluated - len(self.failed)
        text = f"{self.suite}: {verdict} ({passed}/{self.evaluated} expectations, {self.rows} rows)"
        return text + "".join(f"\n    failed: {f}" for f in self.failed)


def validate(con: duckdb.DuckDBPyConnection, suite: Suite, table: str | None = None,
             expectations: list[Spec] | None = None) -> SuiteOutcome:
    """Validate one suite (or some of its expectations, on another table) on a warehouse connection."""
    expectations = suite.expectations if expectations is None else expectations
    frame = con.execute(suite.query(table, expectations)).df()
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
    return SuiteOutcome(suite.name, bool(result.success), len(result.results), failed, len(frame))


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
    suite = SUITES["raw_" + entity_key.replace("/", "_")]
    checks = suite.value_checks(present)
    return validate(con, suite, table, checks) if checks else None


def validate_warehouse(warehouse: Path, names: list[str] | None = None) -> list[SuiteOutcome]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [validate(con, SUITES[name]) for name in (names or list(SUITES))]


def main(argv: list[str] | None = None) -> int:
    from cdp.contract import warehouse_path

    parser = argparse.ArgumentParser(description="Run the Great Expectations suites on the warehouse.")
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="default: all suites")
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    args = parser.parse_args(argv)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    outcomes = validate_warehouse(args.warehouse or warehouse_path(), args.suite)
    for outcome in outcomes:
        print(outcome.describe())
    return 0 if all(o.success for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
