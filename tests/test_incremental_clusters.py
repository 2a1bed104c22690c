"""Incremental clustering (matching.incremental_clusters): after a batch, re-clustering only
the touched components gives exactly the rows a full clustering of the same records and
pairs gives, and the customers the batch did not touch keep their rows as they were."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

from matching.incremental_clusters import clustering_params, recluster
from matching.overrides import OVERRIDE_COLUMNS

PARAMS = clustering_params(0.9, "v1")
# one person's two records the first run could not link (no pair between them); a newcomer will
MERGED = ("crm:contacts:0010-1", "crm:contacts:8000-0")
FIRST = ["anna", "boris", "clara", "dmitri", "elena", "fedor", "galina", "igor", "olga", "pavel"]
LAST = ["ivanova", "petrov", "smirnova", "kuznetsov", "popova", "sokolov", "lebedeva", "kozlov"]


def _file(seed: int = 7, people: int = 400) -> tuple[list[dict], dict[tuple[str, str], float]]:
    """Records of people with 1-4 records each (common names, so namesakes abound) and scored
    pairs: a person's records link strongly, other people's weakly or not at all."""
    rng = random.Random(seed)
    records, pairs = [], {}
    for person in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        email = f"p{person}@example.org" if rng.random() < 0.5 else None
        keys = []
        for copy in range(rng.randint(1, 4)):
            key = f"crm:contacts:{person:04d}-{copy}"
            thin = rng.random() < 0.2
            # a thin record (one kind of evidence: a chat's display name) can join a customer, not merge two
            records.append({"record_key": key, "first_name_key": None if thin else first, "last_name_key": last,
                            "birth_date": None if thin else born,
                            "email_key": email if copy % 2 == 0 and not thin else None,
                            "phone_key": None, "street_key": None,
                            "postcode_key": None if thin else f"pc{person % 50}"})
            keys.append(key)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                pairs[(a, b)] = round(rng.uniform(0.85, 0.999), 6)
    # namesakes and look-alikes: many weak pairs across people (rivals, lower confidence), a few
    # strong enough to link
    keys = [r["record_key"] for r in records]
    for number in range(len(keys)):
        a, b = sorted(rng.sample(keys, 2))
        pairs.setdefault((a, b), round(rng.uniform(0.05, 0.95 if number % 50 == 0 else 0.19), 6))
    return records, pairs


def _load(con: duckdb.DuckDBPyConnection, records: list[dict], pairs: dict[tuple[str, str], float],
          hashes: dict[str, str]) -> None:
    con.register("records_in", pa.Table.from_pylist(records))
    con.execute("create or replace table records as select * from records_in")
    con.unregister("records_in")
    rows = [{"record_key_l": a, "record_key_r": b, "match_probability": p, "input_hash": None}
            for (a, b), p in pairs.items()]
    rows += [{"record_key_l": r["record_key"], "record_key_r": r["record_key"], "match_probability": None,
              "input_hash": hashes.get(r["record_key"], "h0")} for r in records]
    con.register("pairs_in", pa.Table.from_pylist(rows))
    con.execute("create or replace table pairs as select *, 'v1' as model_version from pairs_in")
    con.unregister("pairs_in")


def _overrides(rows: list[tuple[str, str, str]]) -> pa.Table:
    return pa.table({name: pa.array([row[i] for row in rows], pa.string()) for i, name in enumerate(OVERRIDE_COLUMNS)})


def _cluster(con, overrides, previous: str | None, now: datetime):
    return recluster(con, "records", "pairs", overrides, previous, 0.9, PARAMS, now)


def _rows(con, table: str) -> list[tuple]:
    return con.execute(f"select * exclude (clustered_at) from {table} order by record_key").fetchall()


@pytest.fixture()
def batch():
    """The file clustered in full, then a batch applied and clustered incrementally; and the
    same final file clustered in full, in a second connection."""
    records, pairs = _file()
    records.append(next(r for r in records if r["record_key"] == MERGED[0]) | {"record_key": MERGED[1]})
    con = duckdb.connect()
    _load(con, records, pairs, {})
    overrides = [("crm:contacts:0003-0", "crm:contacts:0009-0", "must_link")]
    first = _cluster(con, _overrides(overrides), None, datetime(2026, 1, 1))
    con.register("first_rows", first.rows)
    con.execute("create table clusters as select * from first_rows")
    before = {row[0]: row for row in con.execute("select * from clusters").fetchall()}

    by_key = {r["record_key"]: r for r in records}
    hashes = {}
    # new records: one that bridges two existing customers (a merge), one joining a customer
    records.append(by_key[MERGED[0]] | {"record_key": "crm:contacts:9000-0"})
    pairs[(MERGED[0], "crm:contacts:9000-0")] = 0.99
    pairs[(MERGED[1], "crm:contacts:9000-0")] = 0.99
    records.append(by_key["crm:contacts:0020-0"] | {"record_key": "crm:contacts:9001-0"})
    pairs[("crm:contacts:0020-0", "crm:contacts:9001-0")] = 0.97
    # a changed record: scored again, its old pairs gone and new ones in
    hashes["crm:contacts:0030-0"] = "h1"
    pairs = {pair: p for pair, p in pairs.items() if "crm:contacts:0030-0" not in pair}
    pairs[("crm:contacts:0030-0", "crm:contacts:0031-0")] = 0.95
    # a record gone
    records = [r for r in records if r["record_key"] != "crm:contacts:0040-0"]
    pairs = {pair: p for pair, p in pairs.items() if "crm:contacts:0040-0" not in pair}
    # a cannot-link that splits a customer
    split = sorted(k for k in by_key if k.startswith("crm:contacts:0050-"))
    overrides.append((split[0], split[-1], "cannot_link"))
    _load(con, records, pairs, hashes)
    update = _cluster(con, _overrides(overrides), "clusters", datetime(2026, 1, 2))
    con.register("update_rows", update.rows)
    con.execute("insert into clusters select * from update_rows")

    full = duckdb.connect()
    _load(full, records, pairs, hashes)
    fresh = _cluster(full, _overrides(overrides), None, datetime(2026, 1, 3))
    full.register("fresh_rows", fresh.rows)
    full.execute("create table clusters as select * from fresh_rows")
    yield con, full, before, update, split, overrides
    con.close()
    full.close()


def test_incremental_clustering_equals_a_full_clustering(batch):
    con, full, before, update, split, _ = batch
    assert not update.everything
    assert _rows(con, "clusters") == _rows(full, "clusters")
    cluster_of = dict(con.execute("select record_key, cluster_id from clusters").fetchall())
    assert before[MERGED[0]][1] != before[MERGED[1]][1]
    assert cluster_of[MERGED[0]] == cluster_of[MERGED[1]]  # merged through the newcomer
    assert cluster_of[split[0]] != cluster_of[split[-1]]  # split by the cannot-link
    assert "crm:contacts:0040-0" not in cluster_of


def test_untouched_customers_keep_their_rows(batch):
    con, _, before, update, _, _ = batch
    after = {row[0]: row for row in con.execute("select * from clusters").fetchall()}
    unchanged = [key for key, row in after.items() if row[-1] == datetime(2026, 1, 1)]
    assert update.replaced < len(before) / 2 and len(unchanged) > len(before) / 2
    assert all(after[key] == before[key] for key in unchanged)


def test_nothing_touched_clusters_nothing(batch):
    con, _, _, _, _, overrides = batch
    rows = _rows(con, "clusters")
    again = _cluster(con, _overrides(overrides), "clusters", datetime(2026, 1, 4))
    assert again.rows.num_rows == 0 and again.replaced == 0 and _rows(con, "clusters") == rows


def test_other_parameters_recluster_everything(batch):
    con, _, _, _, _, _ = batch
    update = recluster(con, "records", "pairs", _overrides([]), "clusters", 0.8, clustering_params(0.8, "v1"),
                       datetime(2026, 1, 5))
    assert update.everything and update.rows.num_rows == con.execute("select count(*) from records").fetchall()[0][0]


def test_several_batches_equal_a_full_clustering():
    """Five daily batches, each clustered on top of the last: new records (some joining two
    customers), records scored again, records gone, a must-link taken back; after each,
    the table equals a full clustering of the same file."""
    records, pairs = _file(seed=11)
    rng = random.Random(3)
    overrides = [("crm:contacts:0001-0", "crm:contacts:0002-0", "must_link")]
    con = duckdb.connect()
    _load(con, records, pairs, {})
    con.register("rows", _cluster(con, _overrides(overrides), None, datetime(2026, 1, 1)).rows)
    con.execute("create table clusters as select * from rows")
    con.unregister("rows")
    hashes: dict[str, str] = {}
    for day in range(1, 6):
        keys = [r["record_key"] for r in records]
        for number in range(5):
            new = f"web:accounts:{day}-{number}"
            records.append(rng.choice(records) | {"record_key": new})
            for other in rng.sample(keys, 2):
                pairs[tuple(sorted((new, other)))] = round(rng.uniform(0.05, 0.99), 6)
        changed, gone = rng.sample(keys, 2)
        hashes[changed] = f"h{day}"
        pairs = {pair: p for pair, p in pairs.items() if changed not in pair and gone not in pair}
        pairs[tuple(sorted((changed, rng.choice(keys))))] = 0.93
        records = [r for r in records if r["record_key"] != gone]
        if day == 3:
            overrides = []  # the must-link taken back
        _load(con, records, pairs, hashes)
        update = _cluster(con, _overrides(overrides), "clusters", datetime(2026, 1, 1 + day))
        assert not update.everything
        con.register("rows", update.rows)
        con.execute("insert into clusters select * from rows")
        con.unregister("rows")
        full = duckdb.connect()
        _load(full, records, pairs, hashes)
        full.register("rows", _cluster(full, _overrides(overrides), None, datetime(2026, 2, 1)).rows)
        full.execute("create table clusters as select * from rows")
        assert _rows(con, "clusters") == _rows(full, "clusters"), f"day {day}"
        full.close()
    con.close()
