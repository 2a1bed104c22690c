"""The quality benchmark (cdp.quality): its scoring, its shipped file and its Splink peer."""

from __future__ import annotations

import csv

import pytest

from cdp.ingest.contract import ENTITIES_BY_KEY
from cdp.quality.datasets import datasets
from cdp.quality.peers import exact_contact_rule, splink_tutorial
from cdp.quality.side_by_side import Result, score_clusters, score_links, table, verdicts


def _no_febrl():
    raise AssertionError("the FEBRL folder must only be asked for when a FEBRL file is written")


def _truth(tmp_path, people: dict[str, str]):
    path = tmp_path / "truth.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("channel", "entity", "source_record_id", "person_id"))
        for key, person in people.items():
            writer.writerow(("crm", "contacts", key, person))
    return path


def test_clusters_are_scored_on_every_pair_they_hold_and_links_only_on_the_links(tmp_path):
    # persons: a = {1, 2, 3}, b = {4}; 3 true pairs
    truth = _truth(tmp_path, {"1": "a", "2": "a", "3": "a", "4": "b"})
    key = "crm:contacts:"
    # one cluster {1, 2, 4}: pairs 1-2 (right), 1-4 and 2-4 (wrong); 3 alone
    precision, recall, f1, records, true_pairs, predicted = score_clusters(
        truth, {key + "1": "x", key + "2": "x", key + "4": "x", key + "3": "y"})
    assert (records, true_pairs, predicted) == (4, 3, 3)
    assert (precision, recall) == pytest.approx((1 / 3, 1 / 3))
    # the links 1-2 and 2-3 are two right pairs; 1-3 is not implied
    precision, recall, f1, *_ = score_links(truth, [(key + "1", key + "2"), (key + "3", key + "2"),
                                                   (key + "2", key + "1")])
    assert (precision, recall) == pytest.approx((1.0, 2 / 3))
    assert f1 == pytest.approx(0.8)


def test_fake_1000_is_written_as_a_crm_export_with_its_truth_and_peer_records(tmp_path):
    fake = next(d for d in datasets(_no_febrl) if d.name == "fake_1000")
    fake.write(tmp_path)
    with (tmp_path / "landing/crm/contacts/fake_1000.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1000 and set(rows[0]) <= set(ENTITIES_BY_KEY["crm/contacts"].columns)
    with fake.truth(tmp_path).open(newline="") as f:
        truth = list(csv.DictReader(f))
    assert len(truth) == 1000 and len({row["person_id"] for row in truth}) == 181
    with fake.records(tmp_path).open(newline="") as f:
        records = list(csv.DictReader(f))
    assert records[1]["record_key"] == "crm:contacts:1" and records[1]["first_name"] == "Julia"  # stripped


def test_splink_tutorial_and_the_exact_rule_run_on_fake_1000(tmp_path):
    """The peers really match: Splink's tutorial model gets fake_1000 mostly right; the exact
    rule finds only what shares an e-mail."""
    fake = next(d for d in datasets(_no_febrl) if d.name == "fake_1000")
    fake.write(tmp_path)
    truth = fake.truth(tmp_path)
    splink_f1 = score_clusters(truth, splink_tutorial(fake, fake.records(tmp_path)))[2]
    precision, recall, exact_f1, *_ = score_clusters(truth, exact_contact_rule(fake.records(tmp_path)))
    assert splink_f1 > 0.9
    assert precision > 0.99 and 0.3 < recall < 0.7 and exact_f1 < splink_f1


def test_the_table_and_verdicts_name_every_method_and_the_best_peer():
    results = [Result("febrl3", "cdp", 1.0, 0.9, 0.9474, 30.0),
               Result("febrl3", "splink tutorial", 0.99, 0.96, 0.9748, 2.0),
               Result("febrl3", "recordlinkage ECM", None, None, None, None, note="not run"),
               Result("sample", "cdp", 0.97, 0.79, 0.87, 40.0)]
    text = table(results)
    assert "0.9474 (1.000/0.900)" in text and text.count("\n") == 4
    assert verdicts(results, {"febrl3"}) == [
        "febrl3: cdp 0.9474 vs best peer splink tutorial 0.9748 (NOT met, -0.0274)"]
