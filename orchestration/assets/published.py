"""The BI copy of the marts, published atomically after the marts are built and checked."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from cdp.serve.publish import mart_names, publish
from orchestration.resources import WarehouseResource


@asset(
    name="published_marts",
    group_name="published",
    deps=[AssetKey([name]) for name in mart_names()],
    kinds={"duckdb"},
    description="Read-only copy of the marts for BI (CDP_PUBLISHED), replaced atomically; "
                "not replaced when a mart fails its checks.",
)
def published_marts(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    rows = publish(warehouse.warehouse_path, warehouse.published_path)
    return MaterializeResult(metadata={"marts": len(rows), "rows": sum(rows.values()),
                                       **{f"rows_{name}": count for name, count in rows.items()}})
