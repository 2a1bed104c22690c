"""The Dagster code location (`dagster dev` loads this module; see pyproject [tool.dagster])."""

from dagster import Definitions, in_process_executor

from orchestration.assets.activation import segment_export
from orchestration.assets.dbt import cdp_dbt_assets
from orchestration.assets.predictions import lookalike_audience, predictions_report
from orchestration.assets.published import published_marts
from orchestration.assets.raw import raw_channel_exports
from orchestration.assets.retention import aged_web_events
from orchestration.checks import ge_asset_checks
from orchestration.jobs import (
    activation_export_job,
    full_pipeline_job,
    lookalike_job,
    retention_job,
    train_matching_job,
)
from orchestration.privacy import erase_subject_job
from orchestration.resources import build_resources
from orchestration.schedules import daily_full_pipeline, weekly_retention
from orchestration.sensors import landing_files_sensor
from orchestration.spark import spark_pipeline_job


def build_definitions() -> Definitions:
    """Definitions with resources read from the environment now (CDP_WAREHOUSE, CDP_LANDING_DIR)."""
    return Definitions(
        assets=[raw_channel_exports, cdp_dbt_assets, segment_export, published_marts, predictions_report,
                lookalike_audience, aged_web_events],
        asset_checks=ge_asset_checks,
        jobs=[full_pipeline_job, train_matching_job, activation_export_job, lookalike_job, retention_job,
              erase_subject_job, spark_pipeline_job],
        schedules=[daily_full_pipeline, weekly_retention],
        sensors=[landing_files_sensor],
        resources=build_resources(),
        # DuckDB allows one writer per file: steps run one after another in one process.
        executor=in_process_executor,
    )


defs = build_definitions()
