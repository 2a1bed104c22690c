"""The held-out check's exports (cdp.quality.names_only): names, birth dates and addresses only."""

from __future__ import annotations

import csv

import duckdb

from cdp.generate import generate
from cdp.quality.names_only import CONTACT_COLUMNS, KEPT_EXPORTS, strip_contact_points


def test_names_only_exports_keep_names_dates_and_addresses_and_nothing_to_reach_anyone_by(tmp_path):
    landing, truth = tmp_path / "landing", tmp_path / "truth.csv"
    generate(landing, truth, people=60, seed=3)
    con = duckdb.connect()
    rows_before = {(channel, entity): con.execute(
        f"select count(*) from read_csv('{truth}', all_varchar = true) "
        f"where channel = '{channel}' and entity = '{entity}'").fetchall()[0][0] for channel, entity in KEPT_EXPORTS}

    left = strip_contact_points(landing, truth)

    folders = {p.parent.relative_to(landing).parts for p in landing.rglob("*") if p.is_file()}
    assert folders == set(KEPT_EXPORTS)
    for path in landing.rglob("*.csv"):
        header = next(csv.reader(path.open(encoding="utf-8")))
        assert not set(header) & set(CONTACT_COLUMNS), path
    contacts = sorted((landing / "crm" / "contacts").glob("*.csv"))[0]
    assert {"first_name", "last_name", "birth_date", "street", "city"} <= set(
        next(csv.reader(contacts.open(encoding="utf-8"))))
    kept_truth = con.execute(f"select channel, entity, count(*) from read_csv('{truth}', all_varchar = true) "
                             "group by all").fetchall()
    assert {(channel, entity): n for channel, entity, n in kept_truth} == {
        key: n for key, n in rows_before.items() if n}
    assert left == sum(rows_before.values())
