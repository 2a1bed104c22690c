"""The dbt graph (staging, identity records, Splink matching, marts) as Dagster assets."""

import os
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.project import dbt_project
from orchestration.resources import WarehouseResource

PRODUCTION_BUILD_ARGS = ("--exclude-resource-type", "unit_test")


class CdpDbtTranslator(DagsterDbtTranslator):
    """Groups dbt models by their folder (staging, intermediate, marts). The dbt sources
    are the raw assets (source crm.contacts is asset crm/contacts), so their dbt tests are
    asset checks of those, not anonymous observations logged with a warning each."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            dagster_dbt_translator=CdpDbtTranslator())
def cdp_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    # profiles.yml reads the warehouse path from CDP_WAREHOUSE: make it the resource's path.
    os.environ["CDP_WAREHOUSE"] = str(warehouse.warehouse_path)
    # dbt's unit tests check model logic on fixed inputs: they belong to development and CI
    # (plain `dbt build`, `make test`), not to every scheduled run, as dbt advises
    yield from dbt.cli(["build", *PRODUCTION_BUILD_ARGS], context=context).stream()
