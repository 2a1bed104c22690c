"""Prediction report and lookalike audiences as Dagster assets; the logic is in cdp.predictions
and cdp.audiences.lookalike, this only wires it."""

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, asset

from cdp.audiences.lookalike import build_lookalike
from cdp.predictions.report import DEFAULT_REPORT, write_report
from orchestration.resources import WarehouseResource


@asset(
    deps=[AssetKey("prediction_backtests")],
    group_name="predictions",
    kinds={"html"},
    description="reports/predictions.html: each prediction model's back-test beside its baseline "
                "(ROC/PR, calibration, lift by decile, feature importance).",
)
def predictions_report(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        path = write_report(con, DEFAULT_REPORT)
    return MaterializeResult(metadata={"path": str(path)})


class LookalikeConfig(Config):
    segment: str = "champions"
    size: int = 1000


@asset(
    deps=[AssetKey("dim_customers"), AssetKey("segment_memberships"), AssetKey("int_suppressed_customers")],
    group_name="activation",
    kinds={"duckdb"},
    description="main.seg_lookalike_<segment>: the customers outside a segment most like its members "
                "(run lookalike_job with the segment and size); exported with `cdp export`.",
)
def lookalike_audience(context: AssetExecutionContext, config: LookalikeConfig,
                       warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        result = build_lookalike(con, config.segment, config.size)
    context.log.info(f"{result.rows_written} lookalikes of {config.segment} in {result.table}")
    return MaterializeResult(metadata={"table": result.table, "segment_members": result.segment_members,
                                       "candidates": result.candidates, "rows_written": result.rows_written,
                                       "excluded_suppressed": result.excluded_suppressed})
