"""Retention as a Dagster asset: the aged daily aggregates (raw.web__events_daily, the dbt
source web.events_daily). The logic is cdp.retention; this only wires it. Not part of
full_pipeline: the job retention_job ages, then rebuilds the models downstream."""

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, asset

from cdp.retention.cli import apply_policy
from cdp.retention.policy import POLICY_FILE
from orchestration.resources import WarehouseResource


class RetentionConfig(Config):
    as_of: str = ""  # YYYY-MM-DD the days are counted back from; empty = today
    policy: str = ""  # path of the policy file; empty = retention.yml of the project


@asset(
    key=AssetKey(["web", "events_daily"]),
    deps=[AssetKey("stg_web__events")],
    group_name="retention",
    kinds={"duckdb"},
    description="raw.web__events_daily: web events older than retention.yml allows, aged into daily "
                "aggregates; the detail is deleted from raw and staging (counts in raw._retention_log).",
)
def aged_web_events(context: AssetExecutionContext, config: RetentionConfig,
                    warehouse: WarehouseResource) -> MaterializeResult:
    from datetime import date
    from pathlib import Path

    with warehouse.connect() as con:
        results = apply_policy(con, Path(config.policy) if config.policy else POLICY_FILE,
                               date.fromisoformat(config.as_of) if config.as_of else None)
    metadata = {}
    for result in results:
        context.log.info(f"{result.entity}: {result.rows_aged} rows aged, {result.raw_rows_deleted} raw rows deleted")
        metadata.update({"cutoff": str(result.cutoff), "rows_aged": result.rows_aged,
                         "raw_rows_deleted": result.raw_rows_deleted, "daily_rows": result.daily_rows})
    return MaterializeResult(metadata=metadata)
