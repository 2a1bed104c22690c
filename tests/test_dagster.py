"""The Dagster code location loads and its full_pipeline job runs the real graph."""

from __future__ import annotations

import duckdb
import pytest
from dagster import DagsterInstance

from cdp.generate import generate


@pytest.fixture
def defs(cdp_paths):
    from orchestration.definitions import build_definitions
    return build_definitions()


def test_code_location_has_the_expected_pieces(defs):
    repository = defs.get_repository_def()
    assert {"full_pipeline", "train_matching_job", "activation_export_job", "lookalike_job", "retention_job"} <= {
        job.name for job in repository.get_all_jobs()}
    assert [s.name for s in repository.schedule_defs] == ["daily_full_pipeline", "weekly_retention"]
    assert [s.name for s in repository.sensor_defs] == ["landing_files_sensor"]
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {"crm/contacts", "loyalty/members", "int_identity_clusters", "dim_customers", "customer_crosswalk",
            "seg_rfm", "segment_memberships", "fct_customer_touchpoints", "snap_dim_customers",
            "segment_export", "customer_predictions", "predictions_report", "lookalike_audience",
            "web/events_daily"} <= keys
    # exporting (and building a lookalike) is a decision, ageing a policy of its own: the pipeline
    # that runs on every new file never does them
    pipeline = {key.to_user_string() for key in defs.resolve_job_def("full_pipeline").asset_layer.selected_asset_keys}
    assert not {"segment_export", "lookalike_audience", "web/events_daily"} & pipeline
    assert {"dim_customers", "customer_predictions", "predictions_report"} <= pipeline
    retention = {key.to_user_string() for key in
                 defs.resolve_job_def("retention_job").asset_layer.selected_asset_keys}
    assert {"web/events_daily", "fct_customer_touchpoints", "dim_customers", "published_marts"} <= retention
    assert not {"segment_export", "lookalike_audience", "crm/contacts"} & retention


def test_full_pipeline_job_runs_and_a_rerun_adds_nothing(defs, cdp_paths, tmp_path):
    landing, warehouse = cdp_paths
    generate(landing, tmp_path / "truth.csv", people=150, seed=5)
    job = defs.resolve_job_def("full_pipeline")

    first = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert first.success
    checks = [e for e in first.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    ge_checks = [e.event_specific_data for e in checks if e.event_specific_data.check_name.startswith("ge_")]
    from expectations.suites import SUITES

    assert len(ge_checks) == len(SUITES) == 21 and all(c.passed for c in ge_checks)
    # dbt's tests on sources are checks of the raw assets, not observations logged with a warning
    source_checks = {(c.asset_key.to_user_string(), c.check_name) for c in
                     (e.event_specific_data for e in checks) if c.check_name.startswith("source_")}
    assert ("crm/contacts", "source_not_null_crm_contacts_contact_id") in source_checks
    published = [e for e in first.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
                 and e.asset_key.to_user_string() == "published_marts"]
    assert len(published) == 1
    loads = [e.event_specific_data.materialization for e in first.all_events
             if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.to_user_string() == "crm/contacts"]
    assert loads[0].metadata["files_loaded"].value >= 1
    assert loads[0].metadata["rows_suppressed_erased_people"].value == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("select (select count(*) from raw.crm__contacts), "
                             "(select count(*) from customer_crosswalk), (select count(*) from dim_customers)"
                             ).fetchall()[0]

    # Personal data hygiene: no e-mail, phone or name of the loaded people in events, logs or metadata.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        personal = {v for row in con.execute(
            "select email, phone, last_name from raw.crm__contacts union all "
            "select email, phone, last_name from raw.webshop__accounts").fetchall() for v in row if v}
    logged = " ".join(f"{e.message} {e.event_specific_data}" for e in first.all_events)
    assert len(personal) > 100 and not [v for v in personal if v in logged]

    second = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert second.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("select (select count(*) from raw.crm__contacts), "
                            "(select count(*) from customer_crosswalk), (select count(*) from dim_customers)"
                            ).fetchall()[0]
    assert after == before and before[0] > 0


def test_dagster_ui_binds_to_localhost_by_default():
    from tests.conftest import PROJECT_ROOT

    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    dev = [line for line in makefile.splitlines() if "dagster dev" in line and not line.startswith("#")]
    assert dev and all("--host 127.0.0.1" in line for line in dev)


def test_sensor_requests_a_run_only_for_new_files(defs, cdp_paths, tmp_path):
    from dagster import build_sensor_context

    landing, _ = cdp_paths
    sensor = defs.get_sensor_def("landing_files_sensor")
    resources = {"warehouse": defs.get_repository_def().get_top_level_resources()["warehouse"]}

    empty = sensor(build_sensor_context(resources=resources))
    assert not getattr(empty, "run_requests", None)

    (landing / "crm/contacts").mkdir(parents=True)
    (landing / "crm/contacts/a.csv").write_text("contact_id\nC1\n")
    first = sensor(build_sensor_context(resources=resources))
    assert len(first.run_requests) == 1

    again = sensor(build_sensor_context(cursor=first.cursor, resources=resources))
    assert not getattr(again, "run_requests", None)
