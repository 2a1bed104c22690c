"""Great Expectations suites as Dagster asset checks."""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from expectations.run import validate
from expectations.suites import SUITES, Suite
from orchestration.resources import WarehouseResource


def _build_check(suite: Suite):
    # A failing mart suite blocks what is downstream in the run (the BI copy is not replaced);
    # a raw suite does not: bad batches are quarantined by the loader and the rest flows.
    # Raw suites read only the batches no earlier pass covered (raw tables only grow).
    @asset_check(asset=AssetKey(list(suite.asset_key)), name=f"ge_{suite.name}",
                 blocking=suite.table.startswith("main."),
                 description=f"Great Expectations suite {suite.name}: {suite.description}")
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            outcome = validate(con, suite, new_batches_only=True)
        return AssetCheckResult(
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR,
            metadata={"rows": outcome.rows, "expectations": outcome.evaluated,
                      "failed": "; ".join(outcome.failed) or "none"},
        )

    return _check


ge_asset_checks = [_build_check(suite) for suite in SUITES.values()]
