"""Customer ids survive re-clustering: merges keep the oldest id, splits keep the id on the larger part."""

from datetime import datetime

import pyarrow as pa

from matching.stable_ids import Previous, assign_customer_ids

T0, T1, T2 = datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)


def _clusters(groups: dict[str, list[str]]) -> pa.Table:
    rows = [(record, cluster) for cluster, records in groups.items() for record in records]
    return pa.table({"record_key": [r for r, _ in rows], "cluster_id": [c for _, c in rows]})


def _run(groups, previous: Previous, now):
    result = assign_customer_ids(_clusters(groups), previous, now).to_pylist()
    return {row["record_key"]: row for row in result}


def _previous(rows: dict) -> Previous:
    return Previous(customer_of={k: v["customer_id"] for k, v in rows.items()},
                    issued_at={v["customer_id"]: v["customer_id_issued_at"] for v in rows.values()})


def test_first_run_issues_one_new_id_per_cluster():
    first = _run({"c1": ["a", "b"], "c2": ["c"]}, Previous({}, {}), T0)
    assert first["a"]["customer_id"] == first["b"]["customer_id"] != first["c"]["customer_id"]
    assert {row["change_reason"] for row in first.values()} == {"new"}


def test_an_unchanged_cluster_keeps_its_id_even_when_its_cluster_label_changes():
    first = _run({"c1": ["a", "b"]}, Previous({}, {}), T0)
    second = _run({"zz": ["a", "b"]}, _previous(first), T1)
    assert second["a"]["customer_id"] == first["a"]["customer_id"]
    assert second["a"]["change_reason"] is None
    assert second["a"]["customer_id_issued_at"] == T0


def test_merge_keeps_the_oldest_id_and_retires_the_other():
    first = _run({"c1": ["a", "b"]}, Previous({}, {}), T0)
    second = _run({"c1": ["a", "b"], "c2": ["c"]}, _previous(first), T1)
    old, younger = first["a"]["customer_id"], second["c"]["customer_id"]
    third = _run({"m": ["a", "b", "c"]}, _previous(second), T2)
    assert {row["customer_id"] for row in third.values()} == {old}
    assert third["c"]["previous_customer_id"] == younger and third["c"]["change_reason"] == "merged"


def test_merge_prefers_age_over_size():
    first = _run({"c1": ["a"]}, Previous({}, {}), T0)
    second = _run({"c1": ["a"], "c2": ["b", "c", "d"]}, _previous(first), T1)
    third = _run({"m": ["a", "b", "c", "d"]}, _previous(second), T2)
    assert third["b"]["customer_id"] == first["a"]["customer_id"]


def test_split_keeps_the_id_on_the_larger_part():
    first = _run({"c1": ["a", "b", "c"]}, Previous({}, {}), T0)
    second = _run({"x": ["a", "b"], "y": ["c"]}, _previous(first), T1)
    assert second["a"]["customer_id"] == first["a"]["customer_id"]
    assert second["c"]["customer_id"] != first["a"]["customer_id"]
    assert second["c"]["change_reason"] == "split" and second["c"]["previous_customer_id"] == first["a"]["customer_id"]


def test_a_retired_id_is_never_issued_again():
    first = _run({"c1": ["a"], "c2": ["b"]}, Previous({}, {}), T0)
    merged = _run({"m": ["a", "b"]}, _previous(first), T1)
    retired = ({first["a"]["customer_id"], first["b"]["customer_id"]} - {merged["a"]["customer_id"]}).pop()
    previous = Previous(customer_of={k: v["customer_id"] for k, v in merged.items()},
                        issued_at={first["a"]["customer_id"]: T0, first["b"]["customer_id"]: T0})
    # split again: the part that gets a new id must not get the retired one back
    again = _run({"p": ["a"], "q": ["b"]}, previous, T2)
    assert retired not in {row["customer_id"] for row in again.values()}
