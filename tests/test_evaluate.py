"""Pairwise precision / recall / F1 on a case small enough to check by hand."""

import duckdb
import pytest

from cdp.evaluate import exact_contact_baseline, score


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
