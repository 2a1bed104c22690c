"""The Splink step on records small enough to reason about."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from cdp.keys.normalize import name_variant_key
from matching import link_records
from matching.bridges import weak_bridges
from matching.cluster import cluster_records
from matching.predict import MIN_MATCHES_PER_RECORD, cluster_scored_pairs, scoring_linker
from matching.prepare import CLUSTERING_COLUMNS, RARE_NAME_CAP, RARE_TYPO_KEY_CAP, load_records
from matching.settings import INPUT_COLUMNS


def _records(rows: list[dict]) -> pa.Table:
    columns = {c: [r.get(c) for r in rows] for c in INPUT_COLUMNS}
    columns["full_name_key"] = [
        " ".join(p for p in (r.get("first_name_key"), r.get("last_name_key")) if p) or None for r in rows
    ]
    columns["email_user"] = [r["email_key"].split("@")[0] if r.get("email_key") else None for r in rows]
    # as int_identity_records derives them (no nickname seed here: canonical = variant)
    columns["first_name_variant"] = [name_variant_key(r.get("first_name_key")) for r in rows]
    columns["first_name_canonical"] = columns["first_name_variant"]
    columns["last_name_variant"] = [name_variant_key(r.get("last_name_key")) for r in rows]
    columns["given_word_key"] = [v.split(" ")[0] if v else None for v in columns["first_name_canonical"]]
    surnames = [[w for w in v.split(" ") if w not in ("van", "der", "de", "da")] if v else []
                for v in columns["last_name_variant"]]
    columns["surname_key"] = [words[0] if words else None for words in surnames]
    columns["surname_tail_key"] = [words[-1] if len(words) > 1 else None for words in surnames]
    columns["short_name_key"] = [f"{g} {s}" if g and s else None
                                 for g, s in zip(columns["given_word_key"], columns["surname_key"], strict=True)]
    schema = pa.schema([(c, pa.date32() if c == "birth_date" else pa.string()) for c in INPUT_COLUMNS])
    return pa.table(columns, schema=schema)


PEOPLE = [
    # Evgeny Fadeev in three systems, one of them transliterated differently, no shared email
    {"record_key": "crm:contacts:1", "first_name_key": "evgeniy", "last_name_key": "fadeev",
     "birth_date": dt.date(1985, 3, 14), "email_key": "e.fadeev@mail.ru", "phone_key": "+79123456789",
     "city_key": "moskva", "postcode_key": "101000", "street_key": "tverskaya 7"},
    {"record_key": "loyalty:members:1", "first_name_key": "evgenii", "last_name_key": "fadeev",
     "birth_date": dt.date(1985, 3, 14), "phone_key": "+79123456789", "city_key": "moskva"},
    {"record_key": "webshop:accounts:1", "first_name_key": "evgeny", "last_name_key": "fadeev",
     "email_key": "e.fadeev@mail.ru", "city_key": "moskva"},
    # A different person who shares only a common first name and city
    {"record_key": "crm:contacts:2", "first_name_key": "elena", "last_name_key": "popescu",
     "birth_date": dt.date(1990, 7, 1), "email_key": "elena.p@yahoo.com", "phone_key": "+40721234567",
     "city_key": "bucuresti", "postcode_key": "010011"},
    {"record_key": "crm:contacts:3", "first_name_key": "ion", "last_name_key": "rusu",
     "birth_date": dt.date(1970, 1, 2), "phone_key": "+37369123456", "city_key": "chisinau"},
]


@pytest.fixture(scope="module")
def linked():
    result = link_records(_records(PEOPLE), threshold=0.9).to_pylist()
    return {row["record_key"]: row for row in result}


def test_every_record_gets_exactly_one_cluster(linked):
    assert set(linked) == {p["record_key"] for p in PEOPLE}


def test_same_person_across_channels_is_one_cluster(linked):
    clusters = {linked[k]["cluster_id"] for k in ("crm:contacts:1", "loyalty:members:1", "webshop:accounts:1")}
    assert len(clusters) == 1
    assert linked["crm:contacts:1"]["cluster_size"] == 3


def test_different_people_stay_apart(linked):
    assert linked["crm:contacts:2"]["cluster_id"] != linked["crm:contacts:3"]["cluster_id"]
    assert linked["crm:contacts:2"]["cluster_size"] == 1


def test_confidence_is_a_probability_and_high_for_clear_cases(linked):
    for row in linked.values():
        assert 0.0 <= row["match_confidence"] <= 1.0
    assert linked["crm:contacts:1"]["match_confidence"] > 0.9
    assert linked["crm:contacts:3"]["match_confidence"] == pytest.approx(1.0)


def test_cluster_id_is_the_smallest_record_key():
    result = link_records(_records(PEOPLE[:2]), threshold=0.9).to_pylist()
    assert {r["cluster_id"] for r in result} == {"crm:contacts:1"}


def test_threshold_must_be_a_probability():
    with pytest.raises(ValueError, match="between 0 and 1"):
        link_records(_records(PEOPLE), threshold=1.5)


def test_empty_input_gives_empty_output():
    assert link_records(_records([]), threshold=0.9).num_rows == 0


HOUSEHOLD = [
    # Husband and wife sharing the family phone and address, and a till receipt with only that phone.
    {"record_key": "crm:contacts:10", "first_name_key": "ion", "last_name_key": "rusu",
     "birth_date": dt.date(1970, 1, 2), "phone_key": "+37369123456", "city_key": "chisinau",
     "street_key": "stefan cel mare 1"},
    {"record_key": "loyalty:members:10", "first_name_key": "ion", "last_name_key": "rusu",
     "birth_date": dt.date(1970, 1, 2), "phone_key": "+37369123456", "email_key": "ion.rusu@mail.md"},
    {"record_key": "crm:contacts:11", "first_name_key": "maria", "last_name_key": "rusu",
     "birth_date": dt.date(1974, 6, 9), "phone_key": "+37369123456", "city_key": "chisinau",
     "street_key": "stefan cel mare 1"},
    {"record_key": "pos:receipts:12", "phone_key": "+37369123456"},
]


def test_household_members_sharing_phone_and_address_stay_apart():
    linked = {r["record_key"]: r for r in link_records(_records(HOUSEHOLD), threshold=0.9).to_pylist()}
    assert linked["crm:contacts:10"]["cluster_id"] == linked["loyalty:members:10"]["cluster_id"]
    assert linked["crm:contacts:11"]["cluster_id"] != linked["crm:contacts:10"]["cluster_id"]


def _cluster(records: list[tuple[str, bool]], pairs: list[tuple[str, str, float]], threshold: float = 0.8,
             birth_dates: dict | None = None, names: dict | None = None) -> dict[str, str]:
    """Run matching.cluster on hand-made scores (the clustering rules, without the model).
    ``names``: record -> (first, last); records without are nameless."""
    con = duckdb.connect()
    birth_dates, names = birth_dates or {}, names or {}
    con.execute("create table records (record_key varchar, is_anchor boolean, birth_date date, "
                "first_name_key varchar, last_name_key varchar)")
    con.executemany("insert into records values (?, ?, ?, ?, ?)",
                    [(k, a, birth_dates.get(k), *names.get(k, (None, None))) for k, a in records])
    con.execute("create table pairs (record_key_l varchar, record_key_r varchar, match_probability double, "
                "is_forced boolean)")
    con.executemany("insert into pairs values (?, ?, ?, false)", pairs)
    membership = cluster_records(con, "records", "pairs", threshold)
    return dict(con.execute(f"select record_key, cluster_id from {membership}").fetchall())


def test_a_record_with_only_a_phone_never_merges_two_customers():
    # Ion and Maria share the household phone; the receipt carries only that phone
    clusters = _cluster(
        [("ion", True), ("ion_loyalty", True), ("maria", True), ("receipt", False)],
        [("ion", "ion_loyalty", 0.99), ("ion", "receipt", 0.95), ("maria", "receipt", 0.94),
         ("ion", "maria", 0.30)],
    )
    assert clusters["ion"] == clusters["ion_loyalty"] != clusters["maria"]
    # and, scoring alike with both, it joins neither: there is no telling whose receipt it is
    assert clusters["receipt"] not in (clusters["ion"], clusters["maria"])


def test_a_thin_record_joins_a_clear_winner_even_on_weak_evidence():
    # a receipt's phone alone scores 0.3 against its owner; the other candidate is far behind
    clusters = _cluster(
        [("ion", True), ("ion_loyalty", True), ("maria", True), ("receipt", False), ("chat", False)],
        [("ion", "ion_loyalty", 0.99), ("ion", "receipt", 0.3), ("maria", "receipt", 0.08),
         ("maria", "chat", 0.15)],
    )
    assert clusters["receipt"] == clusters["ion"]
    assert clusters["chat"] == "chat"  # below the attachment threshold: stays alone


def test_a_thin_record_with_a_runner_up_at_a_third_of_its_best_match_joins_neither():
    # a chat named like two customers, one of them scoring 40% of the other: a namesake
    # with other evidence (a birth date elsewhere) is still a namesake
    clusters = _cluster(
        [("ana", True), ("ana_loyalty", True), ("other_ana", True), ("chat", False)],
        [("ana", "ana_loyalty", 0.99), ("ana", "chat", 0.5), ("other_ana", "chat", 0.2)],
    )
    assert clusters["chat"] == "chat"


def test_connected_components_would_have_merged_them_through_an_anchor():
    clusters = _cluster(
        [("ion", True), ("maria", True), ("go_between", True)],
        [("ion", "go_between", 0.95), ("maria", "go_between", 0.94)],
    )
    assert clusters["ion"] == clusters["maria"]  # two-evidence records do bridge


def test_different_birth_dates_split_a_chain_of_namesakes():
    clusters = _cluster(
        [("popescu_1965", True), ("popescu_1988", True), ("look_alike", True)],
        [("popescu_1965", "look_alike", 0.95), ("popescu_1988", "look_alike", 0.90)],
        birth_dates={"popescu_1965": dt.date(1965, 11, 13), "popescu_1988": dt.date(1988, 8, 18)},
    )
    assert clusters["popescu_1965"] != clusters["popescu_1988"]
    assert clusters["look_alike"] == clusters["popescu_1965"]  # the stronger link holds


def test_different_birth_dates_split_only_where_the_file_makes_namesakes_likely():
    """A birth date written wrongly and a namesake look alike; which one it is depends on
    the file. Two Andrei Popescus among records full of Andreis and Popescus are likely two
    people; one Cameron Bishop in a file with a single Bishop is one person whose date was
    mistyped (FEBRL's duplicates)."""
    chain = [("a", True), ("b", True), ("c", True)]
    links = [("a", "c", 0.95), ("b", "c", 0.90)]
    dates = {"a": dt.date(1965, 11, 13), "b": dt.date(1988, 8, 18)}
    others = [(f"o{i}", True) for i in range(20)]
    common = {key: ("andrei", "popescu") for key in "abc"} | {f"o{i}": ("andrei" if i % 2 else "ion", "popescu"
                                                                          if i % 2 else "rusu") for i in range(20)}
    rare = {key: ("cameron", "bishop") for key in "abc"} | {f"o{i}": (f"name{i}", f"surname{i}") for i in range(20)}
    split = _cluster(chain + others, links, birth_dates=dates, names=common)
    assert split["a"] != split["b"]
    kept = _cluster(chain + others, links, birth_dates=dates, names=rare)
    assert kept["a"] == kept["b"] == kept["c"]


def test_a_direct_link_the_model_is_sure_of_overrules_the_birth_dates():
    """The model weighs the dates of the two records it compares: linking them at 0.99 or
    more anyway (the same name, e-mail, phone and address; one date mistyped beyond a typo)
    is its call. A chain through a third record is not (above)."""
    dates = {"a": dt.date(1959, 8, 28), "b": dt.date(1971, 3, 2)}
    sure = _cluster([("a", True), ("b", True)], [("a", "b", 0.995)], birth_dates=dates)
    assert sure["a"] == sure["b"]
    unsure = _cluster([("a", True), ("b", True)], [("a", "b", 0.95)], birth_dates=dates)
    assert unsure["a"] != unsure["b"]


def test_birth_dates_months_apart_are_one_date_written_wrongly():
    """2008-03-23 and 2008-06-15 for one Noah Watson (Splink's fake_1000 file): not two
    people born three months apart; a year apart they are."""
    months = _cluster([("a", True), ("b", True), ("c", True)], [("a", "b", 0.95), ("b", "c", 0.95)],
                      birth_dates={"a": dt.date(2008, 3, 23), "c": dt.date(2008, 6, 15)})
    assert months["a"] == months["c"]
    year = _cluster([("a", True), ("b", True), ("c", True)], [("a", "b", 0.95), ("b", "c", 0.95)],
                    birth_dates={"a": dt.date(2008, 3, 23), "c": dt.date(2009, 6, 15)})
    assert year["a"] != year["c"]


def test_a_birth_date_typo_is_not_a_conflict():
    clusters = _cluster(
        [("a", True), ("b", True), ("c", True)],
        [("a", "b", 0.95), ("b", "c", 0.95)],
        birth_dates={"a": dt.date(1985, 3, 14), "c": dt.date(1985, 3, 15)},
    )
    assert clusters["a"] == clusters["c"]


def _overrides(*rows: tuple[str, str, str]) -> pa.Table:
    return pa.table({"left_record_key": [r[0] for r in rows], "right_record_key": [r[1] for r in rows],
                     "decision": [r[2] for r in rows], "note": ["test"] * len(rows)})


def test_cannot_link_keeps_two_records_apart_even_when_other_links_join_them():
    overrides = _overrides(("webshop:accounts:1", "crm:contacts:1", "cannot_link"))
    linked = {r["record_key"]: r for r in link_records(_records(PEOPLE), 0.9, overrides=overrides).to_pylist()}
    assert linked["crm:contacts:1"]["cluster_id"] != linked["webshop:accounts:1"]["cluster_id"]
    # the loyalty record, linked to both, stays with one of them
    assert linked["loyalty:members:1"]["cluster_id"] in {
        linked["crm:contacts:1"]["cluster_id"], linked["webshop:accounts:1"]["cluster_id"]}


def test_must_link_joins_records_the_model_keeps_apart():
    overrides = _overrides(("crm:contacts:2", "crm:contacts:3", "must_link"))
    linked = {r["record_key"]: r for r in link_records(_records(PEOPLE), 0.9, overrides=overrides).to_pylist()}
    assert linked["crm:contacts:2"]["cluster_id"] == linked["crm:contacts:3"]["cluster_id"]
    assert linked["crm:contacts:2"]["cluster_id"] != linked["crm:contacts:1"]["cluster_id"]


def test_overrides_naming_unknown_records_are_ignored():
    overrides = _overrides(("crm:contacts:404", "crm:contacts:1", "must_link"))
    linked = link_records(_records(PEOPLE), 0.9, overrides=overrides)
    assert linked.num_rows == len(PEOPLE)


def test_two_groups_held_by_one_weak_link_are_two_customers():
    # two Vadim Kuznetsovs of Moscow, each seen twice, joined by one name-and-city link
    pairs = [("v1_crm", "v1_shop", 0.99), ("v2_crm", "v2_loyalty", 0.99), ("v1_shop", "v2_crm", 0.93)]
    records = [(k, True) for k in ("v1_crm", "v1_shop", "v2_crm", "v2_loyalty")]
    clusters = _cluster(records, pairs, threshold=0.9)
    assert clusters["v1_crm"] == clusters["v1_shop"] != clusters["v2_crm"] == clusters["v2_loyalty"]
    # a second link between the groups, or a strong single one, keeps them together
    assert len(set(_cluster(records, pairs + [("v1_crm", "v2_loyalty", 0.95)], threshold=0.9).values())) == 1
    strong = [("v1_shop", "v2_crm", 0.995) if p == 0.93 else (a, b, p) for a, b, p in pairs]
    assert len(set(_cluster(records, strong, threshold=0.9).values())) == 1


def test_weak_bridges_spare_lone_records_and_must_links():
    chain = [("a", "b", 0.99, False), ("b", "c", 0.92, False), ("c", "d", 0.99, False), ("d", "e", 0.91, False)]
    # b-c leaves {a, b} and {c, d, e}; d-e leaves e alone, which is how a person's one odd record hangs on
    assert weak_bridges(chain) == [("b", "c")]
    assert weak_bridges([(a, b, p, a == "b") for a, b, p, _ in chain]) == []
    # inside a cycle nothing is a bridge
    assert weak_bridges(chain + [("e", "a", 0.91, False)]) == []


def test_a_file_without_contact_points_still_links_its_people():
    # 300 people seen twice each, names only in two transliterations, with birth date and
    # city, no e-mail or phone: the exact rules that estimate the prior find nothing here
    rows = []
    for i in range(300):
        last = "".join("bcdfgklmnprstvz"[(i // 15 ** k) % 15] + "aeiou"[(i + k) % 5] for k in range(3)) + "ov"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=97 * i)
        rows.append({"record_key": f"crm:contacts:{i}", "first_name_key": "evgeniy", "last_name_key": last,
                     "birth_date": born, "city_key": "moskva"})
        rows.append({"record_key": f"loyalty:members:{i}", "first_name_key": "evgenii", "last_name_key": last,
                     "birth_date": born, "city_key": "moskva"})
    con = duckdb.connect()
    load_records(con, _records(rows))
    prior = scoring_linker(con)._settings_obj._probability_two_random_records_match
    assert prior * (len(rows) - 1) >= MIN_MATCHES_PER_RECORD * 0.999
    linked = {r["record_key"]: r["cluster_id"] for r in link_records(_records(rows), threshold=0.9).to_pylist()}
    together = sum(linked[f"crm:contacts:{i}"] == linked[f"loyalty:members:{i}"] for i in range(300))
    assert together == 300
    assert len(set(linked.values())) == 300


def test_records_loaded_for_clustering_only_skip_the_blocking_keys_but_not_the_anchors():
    loaded = {}
    for blocking_keys in (True, False):
        con = duckdb.connect()
        load_records(con, _records(PEOPLE), blocking_keys=blocking_keys)
        loaded[blocking_keys] = con.execute("select record_key, rare_name_key, is_anchor from identity_records "
                                            "order by record_key").fetchall()
    assert all(rare is not None for _, rare, _ in loaded[True])  # five rare names
    assert all(rare is None for _, rare, _ in loaded[False])
    assert [(key, anchor) for key, _, anchor in loaded[True]] == [(key, anchor) for key, _, anchor in loaded[False]]


def test_typo_tolerant_name_keys_block_only_names_few_records_carry():
    # 'Anna Morozova' on 20 records: a rare name for the exact key (at most RARE_NAME_CAP), too
    # common for the typo-tolerant keys, which would pair every A. Morozova and every
    # Anna Mor... with each other; 'Ivan Sokolov' on 3 records stays blockable on all three keys
    rows = [{"record_key": f"crm:contacts:a{i}", "first_name_key": "anna", "last_name_key": "morozova"}
            for i in range(RARE_TYPO_KEY_CAP * 2)]
    rows += [{"record_key": f"crm:contacts:i{i}", "first_name_key": "ivan", "last_name_key": "sokolov"}
             for i in range(3)]
    con = duckdb.connect()
    load_records(con, _records(rows))
    keys = {}
    for name, *counts in con.execute("""
            select first_name_key, count(rare_name_key), count(rare_initial_key), count(rare_name_prefix_key)
            from identity_records group by 1""").fetchall():
        keys.update({(name, key): n for key, n in zip(("name", "initial", "prefix"), counts, strict=True)})
    assert RARE_TYPO_KEY_CAP * 2 <= RARE_NAME_CAP
    assert keys == {("anna", "name"): 20, ("anna", "initial"): 0, ("anna", "prefix"): 0,
                    ("ivan", "name"): 3, ("ivan", "initial"): 3, ("ivan", "prefix"): 3}


def test_clustering_reads_only_the_clustering_columns():
    pairs = pa.table({"record_key_l": ["crm:contacts:1", "crm:contacts:1", "crm:contacts:2"],
                      "record_key_r": ["loyalty:members:1", "webshop:accounts:1", "crm:contacts:3"],
                      "match_probability": [0.99, 0.95, 0.4]})
    records = _records(PEOPLE)
    everything = cluster_scored_pairs(records, pairs)
    assert cluster_scored_pairs(records.select(list(CLUSTERING_COLUMNS)), pairs).equals(everything)
    assert len(set(everything.column("cluster_id").to_pylist())) == 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_connected_components_are_splinks_own(seed):
    """matching.cluster numbers the records and lets scipy find the components; the result
    must be what Splink's cluster_pairwise_predictions_at_threshold gives: same members,
    the smallest record key naming each cluster, an edge exactly at the threshold counted,
    records without edges alone, edges below the threshold ignored."""
    import random

    from splink import DuckDBAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    from matching.cluster import connected_components

    rng = random.Random(seed)
    keys = [f"r{i:04d}" for i in range(600)]
    edges = {(rng.choice(keys), rng.choice(keys)) for _ in range(500)}
    probabilities = [0.5, 0.89, 0.9, 0.9, 0.95, 1.0]
    con = duckdb.connect()
    con.register("nodes_in", pa.table({"record_key": keys}))
    con.register("edges_in", pa.table({
        "record_key_l": [a for a, b in edges if a != b], "record_key_r": [b for a, b in edges if a != b],
        "match_probability": [rng.choice(probabilities) for a, b in edges if a != b]}))
    ours = connected_components(con, "select * from nodes_in", "select * from edges_in", threshold=0.9)
    splink = cluster_pairwise_predictions_at_threshold(
        con.sql("select * from nodes_in"), con.sql("select * from edges_in"), DuckDBAPI(connection=con),
        node_id_column_name="record_key", edge_id_column_name_left="record_key_l",
        edge_id_column_name_right="record_key_r", threshold_match_probability=0.9).physical_name
    got = sorted(con.execute(f"select record_key, cluster_id from {ours}").fetchall())
    expected = sorted(con.execute(f"select record_key, cluster_id::varchar from {splink}").fetchall())
    assert got == expected
    assert 1 < len({c for _, c in got}) < len(keys)


def test_a_pair_given_many_times_is_still_one_link():
    """Repeated pairs are summed into one graph entry; 256 copies must not cancel out."""
    from matching.cluster import connected_components

    con = duckdb.connect()
    con.register("nodes_in", pa.table({"record_key": ["a", "b", "c"]}))
    con.register("edges_in", pa.table({"record_key_l": ["a"] * 256, "record_key_r": ["b"] * 256,
                                       "match_probability": [0.95] * 256}))
    table = connected_components(con, "select * from nodes_in", "select * from edges_in", threshold=0.9)
    assert sorted(con.execute(f"select * from {table}").fetchall()) == [("a", "a"), ("b", "a"), ("c", "c")]


def _committed_levels() -> list[dict]:
    import json

    from matching.predict import MODEL_PATH

    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return [level for comparison in model["comparisons"] for level in comparison["comparison_levels"]]


def _level_holds(label: str, left: dict, right: dict) -> bool:
    """Whether the committed model's level ``label`` holds for the pair (what prediction
    runs); columns the records do not name are null."""
    import re

    (condition,) = [level["sql_condition"] for level in _committed_levels() if level["label_for_charts"] == label]
    columns = sorted(set(re.findall(r"\b(\w+)_[lr]\b", condition)))
    values = ", ".join(f"'{side[c]}' as {c}_{suffix}" if side.get(c) else f"null::varchar as {c}_{suffix}"
                       for side, suffix in ((left, "l"), (right, "r")) for c in columns)
    return duckdb.sql(f"select {condition} from (select {values})").fetchall()[0][0]


def test_the_committed_model_scores_with_the_levels_settings_define():
    """Prediction loads the committed JSON; settings.py is where levels are written and
    explained. A level changed in one and not the other would score differently from what
    its code says."""
    from matching.settings import settings

    defined = [level for comparison in settings().get_settings("duckdb").as_dict()["comparisons"]
               for level in comparison["comparison_levels"]]
    assert [(level["label_for_charts"], level["sql_condition"]) for level in _committed_levels()] == [
        (level["label_for_charts"], level["sql_condition"]) for level in defined]


def test_a_phone_shared_by_a_man_and_a_woman_of_one_surname_is_a_household_phone():
    # Andrei Korolin and Anna Korolina: the surname's two forms are two people, even when a
    # call names only 'Korolina'
    andrei = {"phone_key": "+79161234567", "first_name_canonical": "andrei", "first_name_variant": "andrei",
              "last_name_variant": "korolin"}
    for anna in ({"phone_key": "+79161234567", "first_name_canonical": "ana", "first_name_variant": "ana",
                  "last_name_variant": "korolina"},
                 {"phone_key": "+79161234567", "last_name_variant": "korolina"}):
        assert not _level_holds("same phone", andrei, anna)
        assert _level_holds("same phone, first names conflict or surnames of a man and a woman (household?)",
                            andrei, anna)
    gulski = dict(andrei, last_name_variant="gulski")
    assert not _level_holds("same phone", gulski, {"phone_key": "+79161234567", "last_name_variant": "gulskaia"})
    # one person's surname, spelled alike: the phone counts
    assert _level_holds("same phone", andrei, dict(andrei, first_name_canonical="andrei"))


def test_a_handle_spelled_from_a_name_is_not_a_shared_account_even_beside_a_misspelt_surname():
    # '@lungu_cristian' and lungu.cristian@gmail.com: the handle spells Cristian Lungu's name,
    # which the loyalty record misspells 'Longu'; at scale another Cristian Lungu has it too
    chat = {"handle_key": "lungucristian", "handle_name_key": "lungukristian", "first_name_variant": "kristi",
            "last_name_variant": "l"}
    member = {"mailbox_key": "lungucristian", "first_name_variant": "kristian", "last_name_variant": "longu"}
    assert not _level_holds("handle equals the mailbox name", chat, member)
    # a handle that spells no name part of either record still is one account's evidence
    chat = {"handle_key": "darlis483", "handle_name_key": "darlis", "first_name_variant": "daria"}
    member = {"mailbox_key": "darlis483", "first_name_variant": "daria", "last_name_variant": "lisskaia"}
    assert _level_holds("handle equals the mailbox name", chat, member)


def test_a_handle_spells_a_name_only_with_a_surname_longer_than_an_initial():
    """'@mocanucristina' beside Cristina Mocanu spells her name; '@elena_p' beside a chat
    called 'Elena P.' spells what every Elena P. has, which the frequency of 'Elena P.' as
    written does not show: at a million records 3,800 such pairs scored 0.9 or more, 99.5%
    of them two people."""
    chat = {"handle_name_key": "mokanukristina", "name_concat_key": "kristina", "first_name_variant": "kristina"}
    member = {"name_concat_key": "kristinamokanu", "name_concat_reversed_key": "mokanukristina",
              "first_name_variant": "kristina", "last_name_variant": "mokanu"}
    assert _level_holds("handle spells the name", chat, member)
    elena = {"handle_name_key": "elenap", "name_concat_key": "lenap", "first_name_variant": "lena",
             "last_name_variant": "p"}
    other_elena = {"name_concat_key": "elenap", "first_name_variant": "elena", "last_name_variant": "p"}
    assert not _level_holds("handle spells the name", elena, other_elena)


def test_level_conditions_change_without_retraining_and_a_new_null_level_carries_no_weights():
    from matching.train import with_levels_of_settings

    def comparison(*levels):
        return {"comparisons": [{"output_column_name": "name", "comparison_levels": list(levels)}]}

    trained = comparison({"sql_condition": "a is null", "label_for_charts": "null", "is_null_level": True},
                         {"sql_condition": "a_l = a_r", "label_for_charts": "same", "m_probability": 0.9,
                          "u_probability": 0.01},
                         {"sql_condition": "ELSE", "label_for_charts": "else", "m_probability": 0.1,
                          "u_probability": 0.99})
    defined = comparison({"sql_condition": "a is null", "label_for_charts": "null", "is_null_level": True},
                         {"sql_condition": "b_l = b_r", "label_for_charts": "spelt", "is_null_level": True},
                         {"sql_condition": "lower(a_l) = lower(a_r)", "label_for_charts": "same"},
                         {"sql_condition": "ELSE", "label_for_charts": "else"})
    trained["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "l.a = r.a"}]
    defined["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "l.b = r.b"}]
    updated = with_levels_of_settings(trained, defined)
    # blocking rules say which pairs are scored, not how: they are copied as defined
    assert updated["blocking_rules_to_generate_predictions"] == [{"blocking_rule": "l.b = r.b"}]
    levels = updated["comparisons"][0]["comparison_levels"]
    assert [level["label_for_charts"] for level in levels] == ["null", "spelt", "same", "else"]
    assert "m_probability" not in levels[1] and levels[1]["is_null_level"]
    assert (levels[2]["sql_condition"], levels[2]["m_probability"], levels[2]["u_probability"]) == (
        "lower(a_l) = lower(a_r)", 0.9, 0.01)
    with pytest.raises(ValueError, match="needs training"):
        with_levels_of_settings(trained, comparison(*defined["comparisons"][0]["comparison_levels"],
                                                    {"sql_condition": "c", "label_for_charts": "new"}))


def test_a_new_level_can_borrow_the_weights_of_a_trained_one(monkeypatch):
    from matching import train

    monkeypatch.setattr(train, "WEIGHTS_BORROWED_FROM", {"more words": "same"})
    trained = {"comparisons": [{"output_column_name": "name", "comparison_levels": [
        {"sql_condition": "a_l = a_r", "label_for_charts": "same", "m_probability": 0.9, "u_probability": 0.01},
        {"sql_condition": "ELSE", "label_for_charts": "else", "m_probability": 0.1, "u_probability": 0.99}]}]}
    defined = {"comparisons": [{"output_column_name": "name", "comparison_levels": [
        {"sql_condition": "a_l = a_r", "label_for_charts": "same"},
        {"sql_condition": "contains(a_l, a_r)", "label_for_charts": "more words"},
        {"sql_condition": "ELSE", "label_for_charts": "else"}]}], "blocking_rules_to_generate_predictions": []}
    levels = train.with_levels_of_settings(trained, defined)["comparisons"][0]["comparison_levels"]
    assert [(level["label_for_charts"], level["m_probability"], level["u_probability"]) for level in levels] == [
        ("same", 0.9, 0.01), ("more words", 0.9, 0.01), ("else", 0.1, 0.99)]


WORDS_LEVEL = "names agree word for word, one gives more words"


@pytest.mark.parametrize(("longer", "shorter"), [
    (("maria iose", "garchia lopez"), ("maria", "garchia")),  # María José García López / María García
    (("pieter", "van der berg"), ("pieter", "berg")),
    (("emili", "asford vrigt"), ("emili", "vrigt")),  # Emily Ashford-Wright / Emily Wright
    (("iohn paul", "smithers"), ("iohn", "smithers")),  # a middle name
    (("iulie h", "patel"), ("iulie", "patel")),  # a middle initial
    (("sean", "o neil"), ("sean", "oneil")),  # O'Neil typed with a space
])
def test_names_agree_word_for_word_when_one_record_gives_more_words(longer, shorter):
    def record(first, last):
        return {"first_name_variant": first, "first_name_canonical": first, "last_name_variant": last}

    assert _level_holds(WORDS_LEVEL, record(*longer), record(*shorter))
    assert _level_holds(WORDS_LEVEL, record(*shorter), record(*longer))


def test_names_with_the_same_letters_split_or_ordered_otherwise_agree():
    # 'Xiaoming Li' / 'Li Xiao Ming': Chinese order in one record, Western in the other
    western = {"first_name_variant": "ksiaoming", "last_name_variant": "li", "name_concat_key": "ksiaomingli",
               "name_concat_reversed_key": "liksiaoming"}
    chinese = {"first_name_variant": "li", "last_name_variant": "ksiao ming", "name_concat_key": "liksiaoming",
               "name_concat_reversed_key": "ksiaomingli"}
    assert _level_holds(WORDS_LEVEL, western, chinese)
    other = {"first_name_variant": "li", "last_name_variant": "ming", "name_concat_key": "liming",
             "name_concat_reversed_key": "mingli"}
    assert not _level_holds(WORDS_LEVEL, western, other)


@pytest.mark.parametrize(("left", "right"), [
    (("maria iose", "garchia"), ("maria elena", "garchia")),  # two Marias of one family
    (("ana", "lopez"), ("ana", "garchia")),
    (("iohn", "smith"), ("iohn", "s")),  # an initial is not a word to agree on
])
def test_names_with_words_of_their_own_do_not_agree_word_for_word(left, right):
    def record(first, last):
        return {"first_name_variant": first, "first_name_canonical": first, "last_name_variant": last}

    assert not _level_holds(WORDS_LEVEL, record(*left), record(*right))


def test_a_second_surname_or_a_middle_name_in_one_record_only_still_links():
    """'Maria Jose Garcia Lopez' in the CRM and 'Maria Garcia' at the loyalty desk, with one
    birth date: neither the first names nor the surnames are equal, yet the blocking keys of
    a name's first words bring them together and the name comparison sees the words agree."""
    rows = [
        {"record_key": "crm:contacts:1", "first_name_key": "maria jose", "last_name_key": "garcia lopez",
         "birth_date": dt.date(1984, 2, 11), "city_key": "madrid", "street_key": "calle mayor 5"},
        {"record_key": "loyalty:members:1", "first_name_key": "maria", "last_name_key": "garcia",
         "birth_date": dt.date(1984, 2, 11), "city_key": "madrid"},
        {"record_key": "crm:contacts:2", "first_name_key": "emily", "last_name_key": "ashford wright",
         "birth_date": dt.date(1990, 5, 1), "city_key": "york", "street_key": "stonegate 14"},
        {"record_key": "loyalty:members:2", "first_name_key": "emily", "last_name_key": "wright",
         "birth_date": dt.date(1990, 5, 1), "city_key": "york"},
        {"record_key": "crm:contacts:3", "first_name_key": "ion", "last_name_key": "rusu",
         "birth_date": dt.date(1970, 1, 2), "city_key": "chisinau"},
    ]
    clusters = {row["record_key"]: row["cluster_id"] for row in link_records(_records(rows)).to_pylist()}
    assert clusters["crm:contacts:1"] == clusters["loyalty:members:1"]
    assert clusters["crm:contacts:2"] == clusters["loyalty:members:2"]
    assert clusters["crm:contacts:1"] != clusters["crm:contacts:2"] != clusters["crm:contacts:3"]


def test_an_initial_that_cannot_stand_for_the_other_first_name_marks_a_household():
    """'K. Miranda' beside 'Julia Miranda' is two people (a shared phone is a household's);
    'C.' beside Charles, 'W.' beside Bill (canonical william) and 'Ч.' beside Чеслав are not."""
    import duckdb

    from cdp.keys.normalize import name_variant_key
    from matching.settings import FIRST_NAMES_CONFLICT
    from matching.term_frequencies import _suffixed

    NAME_COLUMNS = ("first_name_variant", "first_name_canonical", "last_name_variant")  # noqa: N806

    def conflict(initial: str, first: str, canonical: str, last: str = "miranda") -> bool:
        letter = name_variant_key(initial)
        con = duckdb.connect()
        con.execute("create table l as select ? as first_name_variant, ? as first_name_canonical,"
                    " ? as last_name_variant", [letter, letter, last])
        con.execute("create table r as select ? as first_name_variant, ? as first_name_canonical,"
                    " ? as last_name_variant", [name_variant_key(first), canonical, last])
        condition = _suffixed(FIRST_NAMES_CONFLICT, NAME_COLUMNS, "l", "r")
        return con.execute(f"select {condition} from l, r").fetchall()[0][0]

    assert conflict("K.", "Julia", "iulia")
    assert not conflict("J.", "Julia", "iulia")
    assert not conflict("C.", "Charles", "charles")
    assert not conflict("W.", "Bill", "william")
    assert not conflict("Ч.", "Чеслав", "cheslav")
    assert not conflict("M.", "Julia", "iulia", last="m")  # a name written last-name-first


def test_a_birth_date_alone_is_a_blocking_key_only_where_the_file_holds_few_records_of_it():
    """sparse_birth_date_key: every date of a small file, but not a date so common that its
    pairs would pass the file's budget (BLOCKING_BUDGET_PAIRS_PER_RECORD x the records)."""
    import duckdb

    from matching.prepare import BLOCKING_BUDGET_PAIRS_PER_RECORD, load_records

    common = [{"record_key": f"c{i}", "birth_date": dt.date(1980, 1, 1)} for i in range(12)]  # 66 pairs
    rare = [{"record_key": f"r{i}", "birth_date": dt.date(1950, 1, 1) + dt.timedelta(days=i // 2)}
            for i in range(20)]  # ten dates of two records: 10 pairs
    assert 10 <= BLOCKING_BUDGET_PAIRS_PER_RECORD * 32 < 76
    con = duckdb.connect()
    load_records(con, _records(common + rare))
    keys = dict(con.execute("select record_key, sparse_birth_date_key from identity_records").fetchall())
    assert keys["r0"] == "1950-01-01" and keys["r19"] == "1950-01-10"
    assert keys["c0"] is None
