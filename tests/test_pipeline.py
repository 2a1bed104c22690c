"""End to end on small generated data: load -> plain `dbt build` (matching included) -> marts.

The tests read the session's sample warehouse (tests/samples.py), built once by a plain
`dbt build`.
"""

from __future__ import annotations

import duckdb
import pytest

from cdp.quality.evaluate import evaluate_warehouse
from expectations.run import validate_warehouse


@pytest.fixture
def built(sample):
    return sample


@pytest.fixture
def con(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as connection:
        yield connection


def test_plain_dbt_build_succeeds(built):
    dbt = built["dbt"]
    assert dbt.returncode == 0, dbt.stdout[-4000:]
    assert "ERROR=0" in dbt.stdout


def test_crosswalk_covers_every_identity_record_exactly_once(con):
    identity = con.execute("select count(*), count(distinct record_key) from int_identity_records").fetchall()[0]
    crosswalk = con.execute("select count(*), count(distinct record_key) from customer_crosswalk").fetchall()[0]
    missing = con.execute("""select count(*) from int_identity_records i
                             anti join customer_crosswalk c using (record_key)""").fetchall()[0][0]
    assert identity[0] > 1000
    assert crosswalk == identity
    assert missing == 0


def test_every_customer_in_the_crosswalk_has_one_profile(con):
    assert con.execute("select count(distinct customer_id) from customer_crosswalk").fetchall()[0][0] == \
        con.execute("select count(*) from dim_customers").fetchall()[0][0]
    mismatched = con.execute("""
        select count(*) from dim_customers d
        join (select customer_id, count(*) n from customer_crosswalk group by 1) c using (customer_id)
        where d.source_record_count <> c.n""").fetchall()[0][0]
    assert mismatched == 0


def test_revenue_in_profiles_reconciles_with_purchases(con):
    # revenue is in the base currency: each order or receipt converted at seed currency_rates
    profile_revenue = con.execute("select sum(revenue) from dim_customers").fetchall()[0][0]
    purchase_revenue = con.execute(
        "select sum(amount_base) from fct_purchases where is_revenue and customer_id is not null").fetchall()[0][0]
    assert profile_revenue == purchase_revenue
    assert profile_revenue > 0


def test_segments_cover_exactly_the_buying_customers(con):
    buyers = con.execute("select count(*) from dim_customers where order_count > 0").fetchall()[0][0]
    segmented = con.execute("select count(*) from seg_rfm").fetchall()[0][0]
    assert segmented == buyers > 0


def test_browsers_are_stitched_to_the_account_they_logged_into(con):
    stitched = con.execute("""
        select count(*), count(*) filter (where b.customer_id = a.customer_id)
        from int_identity_links as l
        join customer_crosswalk as b on b.record_key = l.left_record_key
        join customer_crosswalk as a on a.record_key = l.right_record_key
        where l.link_type = 'web login'""").fetchall()[0]
    assert stitched[0] > 20
    assert stitched[1] == stitched[0]
    # and a browser that only logged in (no form) has nothing else that could have matched it
    bare = con.execute("""select count(*) from int_identity_records r join int_identity_links l
                          on l.left_record_key = r.record_key
                          where r.channel = 'web' and r.email_key is null and r.full_name_key is null"""
                       ).fetchall()[0][0]
    assert bare > 0


def test_match_quality_on_the_sample(built):
    # A regression guard at the level the model reaches today (see docs/match-quality.md).
    result = evaluate_warehouse(built["warehouse"], built["truth"])
    assert result.records > 1000
    assert result.precision >= 0.88, result.describe()
    assert result.f1 >= 0.80, result.describe()


def test_great_expectations_suites_pass(built):
    outcomes = validate_warehouse(built["warehouse"])
    names = [o.suite for o in outcomes]
    assert len([n for n in names if n.startswith("raw_")]) == 16
    assert names[16:] == ["mart_dim_customers", "mart_customer_crosswalk", "mart_crosswalk_coverage",
                          "mart_fct_purchases", "mart_customer_predictions"]
    assert all(o.success for o in outcomes), [o.describe() for o in outcomes]
    # no suite spent its time hashing its frame for a fingerprint (expectations.run); a
    # Great Expectations upgrade that renames the switch shows up here
    markers = [o.result.meta["batch_markers"] for o in outcomes]
    assert all("ge_load_time" in m and "pandas_data_fingerprint" not in m for m in markers)


def test_cdp_check_builds_html_data_docs_without_personal_values(built, tmp_path):
    from expectations.run import main

    assert main(["--warehouse", str(built["warehouse"]), "--docs", str(tmp_path / "docs")]) == 0
    index = (tmp_path / "docs/index.html").read_text(encoding="utf-8")
    assert "raw_crm_contacts.html" in index and "mart_fct_purchases.html" in index
    page = (tmp_path / "docs/raw_crm_contacts.html").read_text(encoding="utf-8")
    assert "expect_column_values_to_match_regex" in page or "values must match this regular expression" in page
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        emails = [r[0] for r in con.execute("select email from raw.crm__contacts where email is not null").fetchall()]
    assert len(emails) > 50 and not [e for e in emails if e in page]


def test_training_writes_a_usable_model_and_its_reports(built, tmp_path):
    import json

    from matching import link_records
    from matching.train import read_records, train
    from matching.training_plan import MIN_TRAINING_PAIRS

    records = read_records(built["warehouse"])
    model = tmp_path / "model.json"
    plan = train(records, model, reports_dir=tmp_path / "reports")
    # the small sample's birth dates give too few pairs to train under; its contact points do not
    assert {rule.columns for rule in plan.em_rules} >= {("email_key",), ("phone_key",)}
    assert all(rule.pairs >= MIN_TRAINING_PAIRS for rule in plan.em_rules)
    assert all(rule.pairs < MIN_TRAINING_PAIRS for rule in plan.em_skipped)
    trained = json.loads(model.read_text())
    assert 0 < trained["probability_two_random_records_match"] < 0.01
    assert {c["output_column_name"] for c in trained["comparisons"]} >= {"name", "birth_date", "email", "phone"}
    household = [level for c in trained["comparisons"] for level in c["comparison_levels"]
                 if "household" in level.get("label_for_charts", "")]
    assert len(household) == 4 and all(level["m_probability"] == level["u_probability"] for level in household)
    reports = {p.name for p in (tmp_path / "reports").iterdir()}
    assert reports == {"match_weights.html", "m_u_parameters.html", "waterfall_examples.html",
                       "cluster_studio.html", "blocking_rules.json", "training.json"}
    counts = json.loads((tmp_path / "reports/blocking_rules.json").read_text())
    assert counts[-1]["cumulative_comparisons"] < records.num_rows * 20  # blocking stays bounded
    assert link_records(records, 0.9, model=model).num_rows == records.num_rows


def test_the_sample_is_scored_by_a_model_estimated_on_its_own_records(con):
    from matching.incremental import model_version
    from matching.model_choice import committed_model, model_of

    registry = con.execute("select source, reason, records, estimated_on_records from int_match_models").fetchall()
    records = con.execute("select count(*) from int_identity_records").fetchall()[0][0]
    assert registry == [("estimated", "this warehouse had no model of its own", records, records)]
    model = model_of(con.sql("select * from int_match_models").to_arrow_table())
    assert model != committed_model()
    assert con.execute("select distinct model_version from int_scored_pairs").fetchall() == [(model_version(model),)]


def test_the_same_exports_in_a_fresh_warehouse_give_the_same_model_and_customers_and_cdp_train_records_its_own(
        built, tmp_path):
    import subprocess

    from cdp.ingest.loader import load_landing
    from matching.train import main as train_main
    from tests.conftest import DBT, PROJECT_ROOT, dbt_env

    warehouse = tmp_path / "again.duckdb"
    with duckdb.connect(str(warehouse)) as again:
        load_landing(again, built["landing"], tmp_path / "quarantine")
    build = [DBT, "build", "--quiet", "--select", "+customer_crosswalk",
             "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    completed = subprocess.run(build, cwd=PROJECT_ROOT, env=dbt_env(warehouse, tmp_path), capture_output=True,
                               text=True)
    assert completed.returncode == 0, completed.stdout[-3000:]

    def chosen_and_customers(path):
        with duckdb.connect(str(path), read_only=True) as c:
            return (c.execute("select model_hash, model_json from int_match_models order by chosen_at").fetchall(),
                    c.execute("select record_key, customer_id from customer_crosswalk order by 1").fetchall())

    first, again = chosen_and_customers(built["warehouse"]), chosen_and_customers(warehouse)
    assert again == first

    train_main(["--warehouse", str(warehouse), "--reports", str(tmp_path / "reports")])
    with duckdb.connect(str(warehouse), read_only=True) as c:
        rows = c.execute("select model_hash, source, reason from int_match_models order by chosen_at").fetchall()
    assert [row[2] for row in rows] == ["this warehouse had no model of its own", "re-estimate requested (cdp train)"]
    assert rows[1][:2] == (first[0][0][0], "estimated")  # the same records give the same model
    assert {"training.json", "match_weights.html"} <= {p.name for p in (tmp_path / "reports").iterdir()}
