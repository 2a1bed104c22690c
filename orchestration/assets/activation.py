"""Activation export as a Dagster asset: the logic is cdp.audiences.export; this only wires it.

Not part of full_pipeline (an export is a decision, not a side effect of loading files):
run the job `activation_export_job` with run config naming the segment and destination.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, asset

from cdp.audiences.export import export_dir, export_segment
from orchestration.resources import WarehouseResource


class SegmentExportConfig(Config):
    segment: str = "champions"
    destination: str = "email_csv"
    out: str = ""  # file to write; empty = $CDP_EXPORT_DIR/<segment>_<destination>_<timestamp>.csv


@asset(
    deps=[AssetKey("segment_memberships"), AssetKey("customer_consents"), AssetKey("dim_customers")],
    group_name="activation",
    kinds={"csv"},
    description="A segment's consented, unsuppressed members written for an e-mail tool, SMS tool or ads audience; "
                "each export is logged in activation.export_log.",
)
def segment_export(context: AssetExecutionContext, config: SegmentExportConfig,
                   warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        result = export_segment(con, config.segment, config.destination,
                                Path(config.out) if config.out else None,
                                requested_by=f"dagster run {context.run_id}")
    context.log.info(f"export {result.export_id}: {result.rows_exported} rows to {result.path}")
    return MaterializeResult(metadata={
        "export_id": result.export_id,
        "segment": config.segment,
        "destination": config.destination,
        "path": str(result.path),
        "export_dir": str(export_dir()),
        "rows_exported": result.rows_exported,
        "segment_members": result.segment_members,
        "excluded_without_consent": result.excluded_without_consent,
        "excluded_suppressed": result.excluded_suppressed,
    })
