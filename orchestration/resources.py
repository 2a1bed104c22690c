"""Resources: where the warehouse and the landing folder are, and the dbt CLI."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource

from cdp.ingest.contract import landing_dir, warehouse_path
from cdp.serve.publish import published_path
from orchestration.project import dbt_project


class WarehouseResource(ConfigurableResource):
    """Paths of the DuckDB warehouse and landing folder (from CDP_WAREHOUSE / CDP_LANDING_DIR)."""

    warehouse: str
    landing: str
    published: str = ""

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def landing_path(self) -> Path:
        return Path(self.landing)

    @property
    def published_path(self) -> Path:
        """The read-only BI copy (CDP_PUBLISHED, default published.duckdb beside the warehouse)."""
        return Path(self.published) if self.published else self.warehouse_path.parent / "published.duckdb"

    @property
    def quarantine(self) -> Path:
        return Path(self.landing).parent / "quarantine"

    @contextmanager
    def connect(self, read_only: bool = False):
        Path(self.warehouse).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.warehouse, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def build_resources() -> dict:
    return {
        "warehouse": WarehouseResource(warehouse=str(warehouse_path()), landing=str(landing_dir()),
                                       published=str(published_path())),
        "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(dbt_project.profiles_dir)),
    }

