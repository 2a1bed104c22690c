"""Jobs: the full pipeline (load -> dbt incl. matching -> checks), model training and segment exports."""

from pathlib import Path

from dagster import AssetSelection, OpExecutionContext, define_asset_job, job, op

from orchestration.resources import WarehouseResource

full_pipeline_job = define_asset_job(
    name="full_pipeline",
    selection=AssetSelection.all() - AssetSelection.groups("activation", "retention"),
    description="Load new landing files, build every dbt model (Splink matching included) and run all checks.",
)

activation_export_job = define_asset_job(
    name="activation_export_job",
    selection=AssetSelection.assets("segment_export"),
    description="Export one segment to a destination file (run config: ops.segment_export.config).",
)

retention_job = define_asset_job(
    name="retention_job",
    selection=AssetSelection.groups("retention").downstream() - AssetSelection.groups("activation"),
    description="Age raw detail older than retention.yml allows into daily aggregates, then rebuild the models "
                "that read it (run config: ops.web__events_daily.config.as_of).",
)

lookalike_job = define_asset_job(
    name="lookalike_job",
    selection=AssetSelection.assets("lookalike_audience"),
    description="Build seg_lookalike_<segment> (run config: ops.lookalike_audience.config: segment, size).",
)


@op(description="Re-estimate the warehouse's Splink model from int_identity_records (as `cdp train`).")
def train_matching_model(context: OpExecutionContext, warehouse: WarehouseResource) -> None:
    from matching.train import read_records, reestimate_warehouse_model

    records = read_records(warehouse.warehouse_path)
    choice = reestimate_warehouse_model(warehouse.warehouse_path, records, Path("reports/matching"))
    context.log.info(f"model {choice.model_hash} ({choice.source}) is the warehouse's model; the next run "
                     "scores with it")


@job(description="Re-estimate the warehouse's matching model (run the full pipeline first).")
def train_matching_job():
    train_matching_model()
