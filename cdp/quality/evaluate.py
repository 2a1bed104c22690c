"""Compare the customer crosswalk with a ground-truth file: pairwise precision, recall, F1.

    python -m cdp.quality.evaluate [--truth data/ground_truth/identity.csv] [--warehouse ...]

The truth file has columns channel, entity, source_record_id, person_id. Only records
present in both the crosswalk and the truth are scored. A pair of records is predicted
to match when they share a customer_id and truly matches when they share a person_id.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.ingest.contract import warehouse_path

DEFAULT_TRUTH = Path("data/ground_truth/identity.csv")


@dataclass(frozen=True)
class PairwiseScore:
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    customers: int
    persons: int
    exact_clusters: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def describe(self) -> str:
        return (
            f"records scored {self.records:,}: precision {self.precision:.4f}, recall {self.recall:.4f}, "
            f"F1 {self.f1:.4f} (pairs: {self.true_positive_pairs:,} correct of {self.predicted_pairs:,} "
            f"predicted, {self.true_pairs:,} true); customers {self.customers:,} vs persons "
            f"{self.persons:,}, {self.exact_clusters:,} customers exactly right"
        )


def score(con: duckdb.DuckDBPyConnection, predicted: str, truth: str) -> PairwiseScore:
    """Score a predicted table (channel, entity, source_record_id, customer_id) against a
    truth table (channel, entity, source_record_id, person_id); both are table or view names."""
    row = con.execute(f"""
        with scored as (
            select p.customer_id::varchar as customer_id, t.person_id::varchar as person_id,
                   p.channel || ':' || p.entity || ':' || p.source_record_id as record_key
            from {predicted} as p
            inner join {truth} as t
                on p.channel = t.channel and p.entity = t.entity
                and p.source_record_id::varchar = t.source_record_id::varchar
        ),
        by_customer as (select customer_id, count(*) as n from scored group by 1),
        by_person as (select person_id, count(*) as n from scored group by 1),
        by_both as (select customer_id, person_id, count(*) as n from scored group by 1, 2),
        -- window sums, not joins back to by_customer and by_person: at a million records
        -- DuckDB planned those joins into a product that filled the disk
        both_sizes as (
            select n, sum(n) over (partition by customer_id) as customer_n,
                   sum(n) over (partition by person_id) as person_n
            from by_both
        ),
        exact as (select count(*) as n from both_sizes where n = customer_n and n = person_n)
        select
            (select count(*) from scored),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_person),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_customer),
            (select coalesce(sum(n * (n - 1) // 2), 0) from by_both),
            (select count(*) from by_customer),
            (select count(*) from by_person),
            (select n from exact)
    """).fetchall()[0]
    return PairwiseScore(*(int(v) for v in row))


def evaluate_warehouse(warehouse: Path, truth_path: Path) -> PairwiseScore:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quoted = str(truth_path).replace("'", "''")
        con.execute(f"create temp view truth as select * from read_csv('{quoted}', all_varchar = true)")
        return score(con, "main.customer_crosswalk", "truth")


# Bands of match_confidence for the calibration table, highest first.
CONFIDENCE_BANDS = (1.0, 0.99, 0.9, 0.7, 0.5, 0.3, 0.0)


@dataclass(frozen=True)
class ConfidenceBand:
    """Records whose match_confidence is at least ``low`` (and below the band above): how
    often their customer holds only their person (``pure``), all of their person's records
    (``complete``), or both (``exact``)."""

    low: float
    records: int
    mean_confidence: float
    pure: float
    complete: float
    exact: float
    alone: float  # share of them that are their customer's only record


def _truth_connection(warehouse: Path, truth_path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse attached read-only as ``w`` and the
    ground truth as view ``truth`` (all text); use it in a ``with`` block, which closes it."""
    con = duckdb.connect()
    try:
        quoted = str(truth_path).replace("'", "''")
        con.execute(f"attach '{warehouse}' as w (read_only)")
        con.execute(f"create temp view truth as select * from read_csv('{quoted}', all_varchar = true)")
    except Exception:
        con.close()
        raise
    return con


def confidence_calibration(warehouse: Path, truth_path: Path) -> list[ConfidenceBand]:
    """What a match_confidence means on a file with known people: per band, how often the
    record's customer is right. Confidence speaks about the record's own link (P(in)) and
    its best rival (P(out)); a record alone with no rival scores 1 although its person may
    have records nothing links it to, which ``complete`` shows."""
    with _truth_connection(warehouse, truth_path) as con:
        rows = con.execute(f"""
            with scored as (
                select c.customer_id, c.match_confidence, t.person_id
                from w.main.customer_crosswalk as c
                join truth as t
                    on c.channel = t.channel and c.entity = t.entity
                    and c.source_record_id::varchar = t.source_record_id::varchar
            ),
            sized as (
                select *, count(*) over (partition by customer_id) as customer_n,
                       count(*) over (partition by person_id) as person_n,
                       count(*) over (partition by customer_id, person_id) as both_n,
                       {_band_sql("match_confidence", CONFIDENCE_BANDS)} as low
                from scored
            )
            select low, count(*), avg(match_confidence), avg((both_n = customer_n)::int),
                   avg((both_n = person_n)::int), avg((both_n = customer_n and both_n = person_n)::int),
                   avg((customer_n = 1)::int)
            from sized group by low order by low desc
        """).fetchall()
    return [ConfidenceBand(float(low), int(n), *(float(v) for v in rest)) for low, n, *rest in rows]


def describe_calibration(bands: list[ConfidenceBand]) -> str:
    lines = [f"{'match_confidence':<18}{'records':>9}{'mean':>7}{'pure':>7}{'complete':>10}{'exact':>7}{'alone':>7}"]
    for band in bands:
        label = _band_label(band.low, CONFIDENCE_BANDS)
        lines.append(f"{label:<18}{band.records:>9,}{band.mean_confidence:>7.3f}{band.pure:>7.3f}"
                     f"{band.complete:>10.3f}{band.exact:>7.3f}{band.alone:>7.3f}")
    return "\n".join(lines)


# Bands of a scored pair's match probability for the pair calibration table, highest first
# (the candidate floor, matching.predict.CANDIDATE_FLOOR, is the lowest kept).
PROBABILITY_BANDS = (0.99, 0.95, 0.9, 0.85, 0.7, 0.5, 0.3, 0.05)


@dataclass(frozen=True)
class ProbabilityBand:
    """Scored candidate pairs whose match probability is at least ``low`` (and below the
    band above): how many, their mean probability, and the share that are one person,
    which a calibrated probability would equal."""

    low: float
    pairs: int
    mean_probability: float
    same_person: float


def pair_calibration(warehouse: Path, truth_path: Path) -> list[ProbabilityBand]:
    """What the model's pair probabilities mean on a file with known people (int_scored_pairs
    against the truth). Pairs with a record the truth does not know are left out."""
    with _truth_connection(warehouse, truth_path) as con:
        rows = con.execute(f"""
            with people as (
                select r.record_key, t.person_id
                from w.main.int_identity_records as r
                join truth as t
                    on r.channel = t.channel and r.entity = t.entity
                    and r.source_record_id::varchar = t.source_record_id::varchar
            ),
            pairs as (
                select p.match_probability, l.person_id = r.person_id as same_person,
                       {_band_sql("p.match_probability", PROBABILITY_BANDS)} as low
                from w.main.int_scored_pairs as p
                join people as l on l.record_key = p.record_key_l
                join people as r on r.record_key = p.record_key_r
                where p.record_key_l <> p.record_key_r and p.match_probability is not null
            )
            select low, count(*), avg(match_probability), avg(same_person::int)
            from pairs where low is not null group by low order by low desc
        """).fetchall()
    return [ProbabilityBand(float(low), int(n), float(mean), float(same)) for low, n, mean, same in rows]


def describe_pair_calibration(bands: list[ProbabilityBand]) -> str:
    lines = [f"{'pair probability':<18}{'pairs':>11}{'mean':>7}{'one person':>12}"]
    for band in bands:
        label = _band_label(band.low, PROBABILITY_BANDS)
        lines.append(f"{label:<18}{band.pairs:>11,}{band.mean_probability:>7.3f}{band.same_person:>12.3f}")
    return "\n".join(lines)


def _band_sql(value: str, bands: tuple[float, ...]) -> str:
    """SQL: the lower bound of the band ``value`` falls in (null below the lowest)."""
    return f"(select max(b) from unnest([{', '.join(str(b) for b in bands)}]) as t(b) where b <= {value})"


def _band_label(low: float, bands: tuple[float, ...]) -> str:
    """'0.9 to 0.99' for a band up to the next bound; the top band reaches 1 ('1' when it is 1)."""
    above = [b for b in bands if b > low]
    if above:
        return f"{low:g} to {min(above):g}"
    return "1" if low == 1 else f"{low:g} to 1"


def threshold_study(warehouse: Path, truth_path: Path, thresholds: list[float]) -> dict[str, PairwiseScore]:
    """Re-match the warehouse's identity records at each threshold (pairs scored once, the
    same overrides and deterministic links as dbt) and score each result, plus the baseline
    of exact e-mail or phone."""
    from matching.overrides import with_deterministic_links
    from matching.predict import link_records_at

    with duckdb.connect(str(warehouse), read_only=True) as source:
        records = source.sql("select * from main.int_identity_records").to_arrow_table()
        overrides = with_deterministic_links(source.sql("select * from main.match_overrides").to_arrow_table(),
                                             source.sql("select * from main.int_identity_links").to_arrow_table())
    con = duckdb.connect()
    quoted = str(truth_path).replace("'", "''")
    con.execute(f"create table truth as select * from read_csv('{quoted}', all_varchar = true)")
    con.register("records", records)
    results = {}
    for threshold, clusters in link_records_at(records, thresholds, overrides=overrides).items():
        con.register("clusters", clusters)
        con.execute("""create or replace table predicted as
            select channel, entity, source_record_id, cluster_id as customer_id
            from records join clusters using (record_key)""")
        results[f"splink >= {threshold:g}"] = score(con, "predicted", "truth")
    exact_contact_baseline(con, "records", "predicted")
    results["exact e-mail or phone"] = score(con, "predicted", "truth")
    return results


def exact_contact_baseline(con: duckdb.DuckDBPyConnection, records: str, output: str) -> None:
    """What a deterministic-rule CDP does: records sharing a canonical e-mail or an E.164
    phone are one customer (transitively). Writes channel, entity, source_record_id,
    customer_id to ``output``."""
    _components(con, f"""
        select record_key, 'e' || email_key as shared_key from {records} where email_key is not null
        union all
        select record_key, 'p' || phone_key from {records} where phone_key is not null
    """, f"select record_key from {records}", "_baseline_labels")
    con.execute(f"""
        create or replace table {output} as
        select r.channel, r.entity, r.source_record_id, l.label as customer_id
        from {records} as r join _baseline_labels as l using (record_key)
    """)
    con.execute("drop table _baseline_labels")


# Evidence two records of one person can share, as (key name, SQL over r giving the key).
# One shared first or last name alone is the weakest: counted only in the generous ceiling.
_EVIDENCE_KEYS = (
    ("e", "email_key"), ("p", "phone_key"), ("b", "birth_date::varchar"), ("s", "street_key"),
    ("z", "postcode_key"), ("h", "handle_key"), ("m", "mailbox_key"), ("u", "email_user"),
    ("n", "first_name_canonical || ' ' || last_name_variant"),
    ("n", "last_name_variant || ' ' || first_name_variant"),
)
_NAME_PART_KEYS = (("f", "first_name_canonical"), ("l", "last_name_variant"), ("l", "first_name_variant"))


@dataclass(frozen=True)
class EvidenceCeiling:
    """How many true pairs any matcher could link: records of one person joined, transitively,
    by an exact shared value or a deterministic link (``reachable``), or also by one shared
    name part (``reachable_by_a_name_part``). The remaining pairs share nothing."""

    true_pairs: int
    reachable: int
    reachable_by_a_name_part: int

    def describe(self) -> str:
        strict, loose = self.reachable / self.true_pairs, self.reachable_by_a_name_part / self.true_pairs
        return (f"evidence ceiling: of {self.true_pairs:,} true pairs, {self.reachable:,} (recall {strict:.4f}, "
                f"F1 at most {2 * strict / (1 + strict):.4f}) are joined by shared contact points, full names, "
                f"birth dates, addresses, handles or deterministic links; {self.reachable_by_a_name_part:,} "
                f"(recall {loose:.4f}) if one shared first or last name counted too")


def evidence_ceiling(warehouse: Path, truth_path: Path) -> EvidenceCeiling:
    """What recall the records allow, whatever the model (see EvidenceCeiling)."""
    with _truth_connection(warehouse, truth_path) as con:
        con.execute("""create table r as select i.*, t.person_id from w.main.int_identity_records as i
            join truth as t
            on i.channel = t.channel and i.entity = t.entity and i.source_record_id = t.source_record_id::varchar""")
        links = """select left_record_key, 'k' || left_record_key || right_record_key from w.main.int_identity_links
                   union all
                   select right_record_key, 'k' || left_record_key || right_record_key from w.main.int_identity_links"""
        counts = []
        for keys in (_EVIDENCE_KEYS, _EVIDENCE_KEYS + _NAME_PART_KEYS):
            # one key space per person and kind of value (chr(31) keeps the parts apart)
            keyed = " union all ".join(f"select record_key, concat_ws(chr(31), person_id, '{name}', {sql}) "
                                       f"from r where ({sql}) is not null" for name, sql in keys)
            _components(con, f"{keyed} union all {links}", "select record_key from r", "_evidence_labels")
            counts.append(con.execute("""
                select sum(n * (n - 1) // 2) from (
                    select count(*) as n from r join _evidence_labels using (record_key) group by person_id, label)
            """).fetchall()[0][0])
        true_pairs = con.execute("select sum(n * (n - 1) // 2) from (select count(*) as n from r group by person_id)"
                                 ).fetchall()[0][0]
    return EvidenceCeiling(int(true_pairs), int(counts[0]), int(counts[1]))


def _components(con: duckdb.DuckDBPyConnection, keyed: str, nodes: str, output: str) -> None:
    """Connected components of the records in ``nodes`` (SQL: record_key) joined by sharing a
    key in ``keyed`` (SQL: record_key, shared_key); ``output`` gets (record_key, label).
    Each record is tied to the key's first record (one star per key, so a phone on a
    thousand records adds a thousand edges, not half a million); the components are the
    matching package's."""
    from matching.cluster import connected_components

    con.execute(f"""
        create or replace temp table _component_edges as
        with keyed(record_key, shared_key) as ({keyed}),
        stars as (select record_key as a, min(record_key) over (partition by shared_key) as b from keyed)
        select distinct a as record_key_l, b as record_key_r, 1.0 as match_probability from stars where a <> b
    """)
    components = connected_components(con, nodes, "select * from _component_edges", threshold=0.5)
    con.execute(f"create or replace temp table {output} as select record_key, cluster_id as label from {components}")
    con.execute(f"drop table {components}")
    con.execute("drop table _component_edges")


def write_chart(results: dict[str, PairwiseScore], path: Path) -> Path:
    """Precision-recall chart (Vega-Lite HTML via Altair, which Splink already ships)."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame([{"method": name, "precision": r.precision, "recall": r.recall, "f1": r.f1}
                          for name, r in results.items()])
    chart = alt.Chart(frame).mark_point(filled=True, size=80).encode(
        x=alt.X("recall", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("precision", scale=alt.Scale(domain=[0, 1])),
        color="method", tooltip=["method", "precision", "recall", "f1"],
    ).properties(title="Pairwise precision and recall by match threshold", width=480, height=360)
    path.parent.mkdir(parents=True, exist_ok=True)
    chart.save(str(path))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Pairwise precision/recall/F1 of the crosswalk.")
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    parser.add_argument("--thresholds", type=lambda text: [float(t) for t in text.split(",")], default=None,
                        help="also re-match at these thresholds, e.g. 0.5,0.8,0.9,0.95, and compare with the "
                             "exact e-mail-or-phone baseline")
    parser.add_argument("--chart", type=Path, default=Path("reports/precision_recall.html"))
    parser.add_argument("--calibration", action="store_true",
                        help="also print, per band of match_confidence, how often the record's customer holds only "
                             "its person (pure), all of its person's records (complete) or both (exact), and per "
                             "band of pair match probability, how often the pair is one person")
    parser.add_argument("--ceiling", action="store_true",
                        help="also print how many true pairs share any evidence at all (what recall the data allows)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or warehouse_path()
    print("customer_crosswalk: " + evaluate_warehouse(warehouse, args.truth).describe())
    if args.ceiling:
        print(evidence_ceiling(warehouse, args.truth).describe())
    if args.calibration:
        print("\n" + describe_calibration(confidence_calibration(warehouse, args.truth)))
        print("\n" + describe_pair_calibration(pair_calibration(warehouse, args.truth)))
    if args.thresholds:
        results = threshold_study(warehouse, args.truth, args.thresholds)
        print(f"\n{'method':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'customers':>11}")
        for name, result in results.items():
            print(f"{name:<24}{result.precision:>10.4f}{result.recall:>10.4f}{result.f1:>10.4f}{result.customers:>11,}")
        print(f"\nchart: {write_chart(results, args.chart)}")


if __name__ == "__main__":
    main()
