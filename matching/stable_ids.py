"""Stable customer ids: an id, once issued, survives later runs.

Each run clusters afresh; this module maps the new clusters onto the ids of the previous
run:

* a cluster whose records all carried one id keeps it;
* when clusters merge, the oldest id wins and the others are retired ('merged');
* when a cluster splits, the part holding most of its records keeps the id and the other
  parts get new ids ('split');
* a cluster of records never seen before gets a new id ('new').

Each old id is owned by the new cluster holding most of its records; each cluster keeps
the oldest id it owns; ids owned by nobody or not kept are retired. New ids are derived from the
cluster's smallest record key and salted if that id was ever issued before, so an id is
never reused.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

ID_PREFIX = "cus_"


@dataclass(frozen=True)
class Previous:
    """The last assignment of each record, and every id ever issued with its issue time."""

    customer_of: dict[str, str]
    issued_at: dict[str, datetime]


def new_customer_id(seed: str, taken: set[str] | dict) -> str:
    salt = 0
    while True:
        text = seed if salt == 0 else f"{seed}#{salt}"
        candidate = ID_PREFIX + hashlib.md5(text.encode("utf-8")).hexdigest()[:16]
        if candidate not in taken:
            return candidate
        salt += 1


def assign_customer_ids(clusters: pa.Table, previous: Previous, now: datetime) -> pa.Table:
    """clusters: (record_key, cluster_id). Returns one row per record: record_key,
    customer_id, customer_id_issued_at, previous_customer_id, change_reason
    (null | 'new' | 'merged' | 'split'), assigned_at."""
    members: dict[str, list[str]] = defaultdict(list)
    for record_key, cluster_id in zip(clusters.column("record_key").to_pylist(),
                                       clusters.column("cluster_id").to_pylist(), strict=True):
        members[cluster_id].append(record_key)

    # Each old id is owned by the cluster holding most of its records (a split's largest part).
    best: dict[str, tuple[int, str]] = {}
    for cluster_id in sorted(members):
        counts = Counter(previous.customer_of[r] for r in members[cluster_id] if r in previous.customer_of)
        for old_id, count in counts.items():
            if old_id not in best or count > best[old_id][0]:
                best[old_id] = (count, cluster_id)
    owned: dict[str, list[str]] = defaultdict(list)
    for old_id, (_count, cluster_id) in best.items():
        owned[cluster_id].append(old_id)
    # A cluster keeps the oldest id it owns (a merge's oldest id wins).
    id_of_cluster = {cluster_id: min(ids, key=lambda i: (previous.issued_at[i], i))
                     for cluster_id, ids in owned.items()}
    owner = {old_id: cluster_id for old_id, (_count, cluster_id) in best.items()}

    issued_at = dict(previous.issued_at)
    rows = defaultdict(list)
    for cluster_id in sorted(members):
        records = sorted(members[cluster_id])
        customer_id = id_of_cluster.get(cluster_id)
        if customer_id is None:
            customer_id = new_customer_id(records[0], issued_at)
            issued_at[customer_id] = now
        for record_key in records:
            before = previous.customer_of.get(record_key)
            if before is None:
                reason = "new"
            elif before == customer_id:
                reason = None
            elif owner[before] == cluster_id:
                reason = "merged"  # its old id was retired into this cluster's older id
            else:
                reason = "split"  # its old id stayed with the larger part of the old customer
            rows["record_key"].append(record_key)
            rows["customer_id"].append(customer_id)
            rows["customer_id_issued_at"].append(issued_at[customer_id])
            rows["previous_customer_id"].append(before)
            rows["change_reason"].append(reason)
            rows["assigned_at"].append(now)
    schema = pa.schema([("record_key", pa.string()), ("customer_id", pa.string()),
                        ("customer_id_issued_at", pa.timestamp("us")), ("previous_customer_id", pa.string()),
                        ("change_reason", pa.string()), ("assigned_at", pa.timestamp("us"))])
    return pa.table({name: rows[name] for name in schema.names}, schema=schema)
