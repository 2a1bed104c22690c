"""One asset per channel entity of the export contract, all loaded by one step.

A single multi-asset (rather than one op per entity) keeps DuckDB's single writer happy;
selecting a subset of entities loads only those.
"""

from collections import defaultdict

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from cdp.ingest.contract import ENTITIES
from cdp.ingest.loader import load_landing
from orchestration.resources import WarehouseResource

RAW_SPECS = [
    AssetSpec(
        key=AssetKey([entity.channel, entity.name]),
        description=f"raw.{entity.raw_table}: {entity.description}",
        group_name="raw",
        kinds={"duckdb"},
        metadata={"landing_folder": entity.key, "required_columns": ", ".join(entity.required)},
    )
    for entity in ENTITIES
]


@multi_asset(specs=RAW_SPECS, can_subset=True, name="load_channel_exports")
def raw_channel_exports(context: AssetExecutionContext, warehouse: WarehouseResource):
    selected = {"/".join(key.path) for key in context.selected_asset_keys}
    with warehouse.connect() as con:
        results = load_landing(con, warehouse.landing_path, warehouse.quarantine, selected)
        totals = dict(con.execute(
            "select channel || '/' || entity, count(*) from raw._load_ledger group by 1").fetchall())
    by_entity = defaultdict(list)
    for result in results:
        by_entity[result.entity_key].append(result)
    for key in sorted(selected):
        batch = by_entity.get(key, [])
        quarantined = [r.file for r in batch if r.status == "quarantined"]
        for result in batch:
            if result.status == "quarantined":
                context.log.warning(f"quarantined {result.file}: {result.reason}")
        yield MaterializeResult(
            asset_key=AssetKey(key.split("/")),
            metadata={
                "files_loaded": sum(r.status == "loaded" for r in batch),
                "files_skipped_already_loaded": sum(r.status == "skipped" for r in batch),
                "files_duplicate_content": sum(r.status == "duplicate" for r in batch),
                "files_quarantined": len(quarantined),
                "rows_loaded": sum(r.rows_loaded for r in batch),
                "rows_rejected": sum(r.rows_rejected for r in batch),
                "rows_suppressed_erased_people": sum(r.rows_suppressed for r in batch),
                "files_in_ledger": totals.get(key, 0),
            },
        )
