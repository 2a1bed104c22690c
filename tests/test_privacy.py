"""Right to erasure and subject access: gone from raw, marts and the BI copy, kept out of
later loads by the suppression list, and everything held about a person in one document."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from cdp.ingest.contract import ENTITIES
from cdp.ingest.loader import load_landing
from cdp.privacy import suppression
from cdp.privacy.requests import erase, rebuild_and_publish
from cdp.serve.publish import publish


@pytest.fixture
def built(sample):
    """The session's sample warehouse (tests/samples.py); erasure works on a copy of it."""
    assert sample["dbt"].returncode == 0, sample["dbt"].stdout[-3000:]
    return sample["warehouse"]


@pytest.fixture
def copy(built, tmp_path, monkeypatch):
    """A private copy of the built warehouse (erasure changes it) with its own published file."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    monkeypatch.setenv("CDP_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CDP_PUBLISHED", str(tmp_path / "published.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    publish(warehouse, tmp_path / "published.duckdb")
    return warehouse


def _person(warehouse):
    """A customer seen in several channels, with an e-mail and a phone."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("""select customer_id, email, phone from dim_customers
                              where email is not null and phone is not null and channel_count >= 3
                              order by source_record_count desc, customer_id limit 1""").fetchall()[0]


def _raw_rows_with(con, kind: str, value: str) -> int:
    """Rows of any raw table whose contact column canonicalises to ``value``."""
    hashes = {(kind, suppression.identifier_hash(kind, value))}
    total = 0
    for entity in ENTITIES:
        table = f"raw.{entity.raw_table}"
        columns = {r[0] for r in con.execute(f"select column_name from (describe {table})").fetchall()}
        for column, values in suppression.matching_values(con, table, columns, hashes).items():
            total += con.execute(f'select count(*) from {table} where list_contains(?, "{column}")',
                                 [sorted(values)]).fetchall()[0][0]
    return total


def test_subject_access_writes_everything_held_about_the_person(copy, tmp_path):
    customer_id, email, phone = _person(copy)
    out = tmp_path / "sar.json"
    from cdp.privacy.cli import access_main

    assert access_main(["--email", email.upper(), "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert customer_id in document["customer_ids"]
    assert document["warehouse"]["dim_customers"][0]["customer_id"] == customer_id
    with duckdb.connect(str(copy), read_only=True) as con:
        records = con.execute("select channel || '/' || entity, source_record_id from customer_crosswalk "
                              "where customer_id = ?", [customer_id]).fetchall()
    assert len(document["warehouse"]["customer_crosswalk"]) == len(records) >= 3
    ids = {"crm/contacts": "contact_id", "loyalty/members": "member_id", "webshop/accounts": "account_id",
           "callcentre/calls": "call_id", "messenger/conversations": "conversation_id"}
    for source, source_id in records:
        if source in ids:  # every identity record's source row is in the document
            assert source_id in {row[ids[source]] for row in document["raw"][source]}
    assert {"kind": "email", "value": suppression.canonical_email(email)} in document["identifiers"]
    with duckdb.connect(str(copy), read_only=True) as con:  # and nothing was changed
        assert con.execute("select count(*) from raw._suppression_list").fetchall()[0][0] == 0


def test_erasure_removes_the_person_everywhere_and_a_later_export_cannot_bring_them_back(copy, tmp_path):
    customer_id, email, phone = _person(copy)
    published = tmp_path / "published.duckdb"
    with duckdb.connect(str(copy)) as con:
        before_rows = _raw_rows_with(con, "email", email)
        others = con.execute("select count(*) from dim_customers where customer_id <> ?", [customer_id]
                             ).fetchall()[0][0]
        # history that a rebuild would not rewrite, like a dbt snapshot of the profiles
        con.execute("create schema snapshots")
        con.execute("create table snapshots.snap_dim_customers as select * from dim_customers")
        record_keys = [row[0] for row in con.execute(
            "select record_key from customer_crosswalk where customer_id = ?", [customer_id]).fetchall()]
        assert con.execute("select count(*) from int_scored_pairs where list_contains(?, record_key_l)",
                           [record_keys]).fetchall()[0][0] > 0
        report = erase(con, customer_id=customer_id, request_id="ticket-1")
        for table in ("snapshots.snap_dim_customers", "int_customer_id_assignments"):
            assert con.execute(f"select count(*) from {table} where customer_id = ?", [customer_id]
                               ).fetchall()[0][0] == 0
        # the scored pairs, kept between runs for incremental matching, forget the person too
        assert con.execute("select count(*) from int_scored_pairs where list_contains(?, record_key_l) "
                           "or list_contains(?, record_key_r)", [record_keys, record_keys]).fetchall()[0][0] == 0
        assert con.execute("select count(*) from snapshots.snap_dim_customers").fetchall()[0][0] == others
    assert before_rows > 0 and report.customers == 1 and sum(report.raw_rows_deleted.values()) >= before_rows
    rebuild_and_publish(copy)

    for path in (copy, published):
        with duckdb.connect(str(path), read_only=True) as con:
            assert con.execute("select count(*) from dim_customers where customer_id = ? or email = ? or phone = ?",
                               [customer_id, email, phone]).fetchall()[0][0] == 0
            assert con.execute("select count(*) from customer_crosswalk where customer_id = ?", [customer_id]
                               ).fetchall()[0][0] == 0
            # other customers are untouched (give or take one whose records matched through this person)
            assert others - 2 <= con.execute("select count(*) from dim_customers").fetchall()[0][0] <= others + 1
    with duckdb.connect(str(copy), read_only=True) as con:
        assert _raw_rows_with(con, "email", email) == 0
        assert _raw_rows_with(con, "phone", phone) == 0
        assert con.execute("select count(*) from int_identity_records where email_key = ? or phone_key = ?",
                           [suppression.canonical_email(email), phone]).fetchall()[0][0] == 0
        # the parsed-phone cache, kept between runs, forgets the number too
        assert con.execute("select count(*) from int_phone_numbers where phone_key = ?", [phone]
                           ).fetchall()[0][0] == 0
        entries = con.execute("select identifier_kind, identifier_hash, request_id from raw._suppression_list"
                              ).fetchall()
    assert ("email", suppression.identifier_hash("email", suppression.canonical_email(email)), "ticket-1") in entries
    assert ("phone", suppression.identifier_hash("phone", phone), "ticket-1") in entries
    assert not any("@" in h or phone in h for _, h, _ in entries)
    with duckdb.connect(str(copy), read_only=True) as con:  # SQL can match the list: sha256(salt || value)
        assert con.execute("select count(*) from main.suppression_list where identifier_type = 'email' "
                           "and identifier_hash = sha256(? || ?)",
                           [suppression.salt(), suppression.canonical_email(email)]).fetchall()[0][0] == 1

    # The CRM exports the person again next week, in another spelling of the same address.
    landing = tmp_path / "landing"
    later = landing / "crm/contacts/next_week.csv"
    later.parent.mkdir(parents=True)
    local, domain = email.split("@")
    later.write_text(f"contact_id,first_name,email,phone\nNEW1,Again,{local.upper()}+promo@{domain},\n"
                     "NEW2,Someone,someone.else@example.org,\n", encoding="utf-8")
    with duckdb.connect(str(copy)) as con:
        [result] = load_landing(con, landing, tmp_path / "quarantine")
        assert (result.rows_loaded, result.rows_suppressed) == (1, 1)
        assert con.execute("select rows_suppressed from raw._load_ledger where source_file = ?",
                           ["crm/contacts/next_week.csv"]).fetchall() == [(1,)]
        assert con.execute("select contact_id from raw.crm__contacts where contact_id like 'NEW%'").fetchall() == [
            ("NEW2",)]


def test_erasure_by_email_on_raw_only_follows_the_rows_that_belong_to_them(tmp_path):
    landing = tmp_path / "landing"
    files = {
        "crm/contacts/c.csv": "contact_id,email\nC1,ana@example.md\nC2,ion@example.md\n",
        "email/messages/m.csv": "message_id,email\nM1,Ana@Example.md\nM2,ion@example.md\n",
        "email/events/e.csv": "event_id,message_id,event_type\nE1,M1,opened\nE2,M2,opened\nE3,M1,clicked\n",
        "webshop/orders/o.csv": "order_id,email\nO1,ana+shop@example.md\nO2,\n",
        "webshop/order_lines/l.csv": "order_id,line_number\nO1,1\nO1,2\nO2,1\n",
        "consent/events/k.csv": "consent_event_id,email\nK1,ana@example.md\nK2,anabel@example.md\n",
    }
    for rel, text in files.items():
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        (landing / rel).write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, tmp_path / "quarantine")
        report = erase(con, email=" ANA@example.md ")
        left = {t: [r[0] for r in con.execute(f"select {c} from raw.{t} order by 1").fetchall()] for t, c in [
            ("crm__contacts", "contact_id"), ("email__messages", "message_id"), ("email__events", "event_id"),
            ("webshop__orders", "order_id"), ("webshop__order_lines", "order_id"),
            ("consent__events", "consent_event_id")]}
    assert report.raw_rows_deleted == {"crm/contacts": 1, "email/messages": 1, "email/events": 2,
                                       "webshop/orders": 1, "webshop/order_lines": 2, "consent/events": 1}
    assert left == {"crm__contacts": ["C2"], "email__messages": ["M2"], "email__events": ["E2"],
                    "webshop__orders": ["O2"], "webshop__order_lines": ["O2"], "consent__events": ["K2"]}


def test_erasure_job_in_dagster_keeps_the_email_out_of_run_config(copy, tmp_path, monkeypatch):
    from dagster import DagsterInstance

    from orchestration.definitions import build_definitions

    customer_id, email, _ = _person(copy)
    monkeypatch.setenv("CDP_LANDING_DIR", str(tmp_path / "landing"))
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"email": email}), encoding="utf-8")
    config = {"ops": {"erase_subject": {"config": {"request_file": str(request), "request_id": "ticket-2"}}}}
    instance = DagsterInstance.ephemeral()
    result = build_definitions().resolve_job_def("erase_subject_job").execute_in_process(
        run_config=config, instance=instance)
    assert result.success
    assert not request.exists()
    run = instance.get_run_by_id(result.run_id)
    logged = " ".join(str(e.message) + str(e.dagster_event) for e in instance.all_logs(result.run_id))
    assert email not in json.dumps(run.run_config) and email.split("@")[0] not in logged
    with duckdb.connect(str(tmp_path / "published.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_customers where customer_id = ?", [customer_id]
                           ).fetchall()[0][0] == 0
