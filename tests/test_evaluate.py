"""Pairwise precision / recall / F1 on a case small enough to check by hand."""

import duckdb
import pytest

from cdp.quality.evaluate import (
    confidence_calibration,
    evidence_ceiling,
    exact_contact_baseline,
    pair_calibration,
    score,
)


def test_pairwise_scores_on_a_hand_checked_case():
    con = duckdb.connect()
    # Truth: person P1 = {a, b, c}, P2 = {d, e}, P3 = {f}   -> true pairs: 3 + 1 = 4
    con.execute("""create table truth as select * from (values
        ('crm', 'contacts', 'a', 'P1'), ('crm', 'contacts', 'b', 'P1'), ('loyalty', 'members', 'c', 'P1'),
        ('crm', 'contacts', 'd', 'P2'), ('loyalty', 'members', 'e', 'P2'), ('crm', 'contacts', 'f', 'P3'),
        ('crm', 'contacts', 'not_predicted', 'P9')
    ) t(channel, entity, source_record_id, person_id)""")
    # Predicted: X = {a, b}, Y = {c, d, e}, Z = {f}  -> predicted pairs: 1 + 3 = 4
    # correct pairs: (a,b) and (d,e) = 2
    con.execute("""create table predicted as select * from (values
        ('crm', 'contacts', 'a', 'X'), ('crm', 'contacts', 'b', 'X'), ('loyalty', 'members', 'c', 'Y'),
        ('crm', 'contacts', 'd', 'Y'), ('loyalty', 'members', 'e', 'Y'), ('crm', 'contacts', 'f', 'Z'),
        ('crm', 'contacts', 'not_in_truth', 'W')
    ) t(channel, entity, source_record_id, customer_id)""")

    result = score(con, "predicted", "truth")

    assert result.records == 6
    assert (result.true_pairs, result.predicted_pairs, result.true_positive_pairs) == (4, 4, 2)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.5)
    assert (result.customers, result.persons) == (3, 3)
    assert result.exact_clusters == 1  # only Z = {f} equals P3


def test_perfect_prediction_scores_one():
    con = duckdb.connect()
    con.execute("create table truth as select 'crm' channel, 'contacts' entity, i::varchar source_record_id, "
                "(i // 3)::varchar person_id from range(9) r(i)")
    con.execute("create table predicted as select channel, entity, source_record_id, 'c' || person_id customer_id "
                "from truth")
    result = score(con, "predicted", "truth")
    assert (result.precision, result.recall, result.f1, result.exact_clusters) == (1.0, 1.0, 1.0, 3)


def test_exact_contact_baseline_links_transitively_through_email_and_phone():
    con = duckdb.connect()
    con.execute("""create table records as select * from (values
        ('crm:contacts:a', 'crm', 'contacts', 'a', 'x@mail.ru', null),
        ('loyalty:members:b', 'loyalty', 'members', 'b', 'x@mail.ru', '+40721000000'),
        ('pos:receipts:c', 'pos', 'receipts', 'c', null, '+40721000000'),
        ('crm:contacts:d', 'crm', 'contacts', 'd', 'y@mail.ru', '+40721999999')
    ) t(record_key, channel, entity, source_record_id, email_key, phone_key)""")
    exact_contact_baseline(con, "records", "predicted")
    customers = dict(con.execute("select source_record_id, customer_id from predicted").fetchall())
    assert customers["a"] == customers["b"] == customers["c"] == "crm:contacts:a"
    assert customers["d"] == "crm:contacts:d"


def test_evidence_ceiling_counts_pairs_joined_by_any_shared_evidence(tmp_path):
    warehouse, truth = tmp_path / "warehouse.duckdb", tmp_path / "truth.csv"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""create table int_identity_records as select
            'x:y:' || id as record_key, 'x' as channel, 'y' as entity, id as source_record_id,
            email_key, phone_key, null::date as birth_date, null as street_key, null as postcode_key,
            null as handle_key, null as mailbox_key, null as email_user,
            first_name as first_name_canonical, null as last_name_variant, first_name as first_name_variant
            from (values
                -- P1: a, b, c chained by an e-mail and a phone; d shares only a first name with a
                ('a', 'x@mail.ru', null, 'elena'), ('b', 'x@mail.ru', '+1', null), ('c', null, '+1', null),
                ('d', null, null, 'elena'),
                -- P2: e and f joined by a deterministic link (a login); g shares nothing
                ('e', null, null, null), ('f', null, '+2', null), ('g', null, null, null)
            ) t(id, email_key, phone_key, first_name)""")
        con.execute("create table int_identity_links as select 'x:y:e' as left_record_key, 'x:y:f' as right_record_key")
    truth.write_text("channel,entity,source_record_id,person_id\n" + "".join(
        f"x,y,{record},{person}\n" for record, person in zip("abcdefg", ["P1"] * 4 + ["P2"] * 3, strict=True)))
    ceiling = evidence_ceiling(warehouse, truth)
    assert (ceiling.true_pairs, ceiling.reachable, ceiling.reachable_by_a_name_part) == (6 + 3, 3 + 1, 6 + 1)


def test_calibration_says_per_confidence_band_how_often_the_customer_is_right(tmp_path):
    warehouse, truth = tmp_path / "warehouse.duckdb", tmp_path / "truth.csv"
    with duckdb.connect(str(warehouse)) as con:
        # X = {a, b} both P1 (pure) but P1's c sits alone in Z (so a, b are not complete);
        # Y = {d, e}: P2 and P3 (impure); f alone and truly alone (exact)
        con.execute("""create table customer_crosswalk as select 'x' as channel, 'y' as entity, * from (values
            ('a', 'X', 1.0), ('b', 'X', 1.0), ('c', 'Z', 1.0), ('d', 'Y', 0.95), ('e', 'Y', 0.92), ('f', 'F', 0.2)
        ) t(source_record_id, customer_id, match_confidence)""")
    truth.write_text("channel,entity,source_record_id,person_id\n" + "".join(
        f"x,y,{record},{person}\n" for record, person in zip("abcdef", ["P1"] * 3 + ["P2", "P3", "P4"], strict=True)))
    bands = {band.low: band for band in confidence_calibration(warehouse, truth)}
    assert set(bands) == {1.0, 0.9, 0.0}
    top = bands[1.0]
    assert (top.records, top.pure, top.complete, top.exact) == (3, 1.0, 0.0, 0.0)
    assert top.alone == pytest.approx(1 / 3)
    middle = bands[0.9]
    assert (middle.records, middle.pure, middle.complete, middle.exact) == (2, 0.0, 1.0, 0.0)
    assert middle.mean_confidence == pytest.approx(0.935)
    assert (bands[0.0].records, bands[0.0].exact, bands[0.0].alone) == (1, 1.0, 1.0)


def test_pair_calibration_says_per_probability_band_how_often_a_pair_is_one_person(tmp_path):
    warehouse, truth = tmp_path / "warehouse.duckdb", tmp_path / "truth.csv"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""create table int_identity_records as select 'x:y:' || id as record_key, 'x' as channel,
            'y' as entity, id as source_record_id from (values ('a'), ('b'), ('c'), ('d'), ('z')) t(id)""")
        # a-b one person at 0.995; a-c and b-c two people at 0.96 and 0.97; c-d one person at
        # 0.4; a scored-record row (no probability) and a pair with z, whom the truth does not know
        con.execute("""create table int_scored_pairs as select * from (values
            ('x:y:a', 'x:y:b', 0.995), ('x:y:a', 'x:y:c', 0.96), ('x:y:b', 'x:y:c', 0.97),
            ('x:y:c', 'x:y:d', 0.4), ('x:y:a', 'x:y:a', null), ('x:y:a', 'x:y:z', 0.99)
        ) t(record_key_l, record_key_r, match_probability)""")
    truth.write_text("channel,entity,source_record_id,person_id\nx,y,a,P1\nx,y,b,P1\nx,y,c,P2\nx,y,d,P2\n")
    bands = {band.low: band for band in pair_calibration(warehouse, truth)}
    assert set(bands) == {0.99, 0.95, 0.3}
    assert (bands[0.99].pairs, bands[0.99].same_person) == (1, 1.0)
    assert (bands[0.95].pairs, bands[0.95].same_person) == (2, 0.0)
    assert bands[0.95].mean_probability == pytest.approx(0.965)
    assert (bands[0.3].pairs, bands[0.3].same_person) == (1, 1.0)
