"""Which Splink model scores a warehouse's records, and when the run estimates a new one.

The committed model (matching/model/splink_model.json) was estimated on this project's
generated people; a company's exports are another population. So every warehouse gets a
model of its own, estimated from its identity records by Splink's unsupervised route (u by
random sampling, m by EM under the rules the records can train under, the prior from exact
rules; matching.train), starting from the committed model. The run estimates one when:

* the warehouse has no model yet (its first run);
* the committed model changed (a new release of its levels or weights);
* the rules the records can train under changed (a file with e-mails arrived where there
  were none: see matching.training_plan);
* the identity records changed **materially**: their number moved by MATERIAL_CHANGE (20%)
  or more, up or down, since the model was chosen. Daily batches of 1% therefore re-estimate
  about every three weeks, and then every pair is scored afresh (int_scored_pairs keeps
  scores of one model only);
* a re-estimate is asked for (`cdp train`, or dbt var ``cdp_reestimate_match_model``).

Otherwise the model of the last choice stays, so the same exports give the same tables.
A file too small to learn from (fewer than MIN_RECORDS_TO_ESTIMATE records, or no rule with
enough pairs) is scored by the committed model, and the choice says why. A user can pin a
model (dbt var ``cdp_match_model``: ``committed`` or the path of a model JSON).

Every choice is a row of the warehouse table ``int_match_models`` (REGISTRY_SCHEMA): the
model, its hash, how and on how many records it was estimated, and why. The latest row is
the model that scores.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from matching.predict import MODEL_PATH
from matching.settings import DETERMINISTIC_COLUMNS, TRAINING_BLOCKING_COLUMNS, UNIQUE_ID
from matching.training_plan import TrainingPlan, plan_training

log = logging.getLogger(__name__)

MATERIAL_CHANGE = 0.2
# Below this, EM learns the noise of a few people. FEBRL dataset1 and Splink's fake_1000
# have 1,000 records each, and estimating on fake_1000 itself lifted F1 0.941 -> 0.974.
MIN_RECORDS_TO_ESTIMATE = 1_000
# EM and u sampling read at most this many records (the same ones every time: the lowest
# hashes of record_key). m is a property of pairs of one person, u of random pairs: both
# are estimated as well from a large sample as from the whole file, and the prior is
# estimated on the whole file at scoring time anyway.
TRAINING_RECORDS_CAP = 200_000
# One round of the u correction and 3 million random pairs: on FEBRL dataset3 this is 12 s
# instead of 30 s (two rounds, 10 million pairs), and F1 0.961 instead of 0.960.
ESTIMATE_ROUNDS = 1
ESTIMATE_U_PAIRS = 3e6
# Estimated probabilities are rounded to this many significant digits: EM's sums run in
# parallel and differ in the last bits between runs, and one model must get one hash.
SIGNIFICANT_DIGITS = 10

REGISTRY_SCHEMA = pa.schema([
    ("model_hash", pa.string()),
    ("source", pa.string()),  # estimated | committed | pinned
    ("reason", pa.string()),
    ("records", pa.int64()),  # identity records when the choice was made
    ("estimated_on_records", pa.int64()),  # records EM and u sampling read; null unless estimated
    ("trainable_rules", pa.string()),  # the rules the records could train under, e.g. "birth_date|email_key"
    ("committed_model_hash", pa.string()),  # the committed model of that time
    ("training_plan", pa.string()),  # JSON (matching.training_plan.TrainingPlan.as_dict); null unless estimated
    ("model_json", pa.string()),
    ("chosen_at", pa.timestamp("us")),
])


def model_hash(model: dict) -> str:
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:16]


def committed_model() -> dict:
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ModelChoice:
    model: dict
    source: str
    reason: str
    records: int
    trainable_rules: str
    estimated_on_records: int | None = None
    training_plan: dict | None = None

    @property
    def model_hash(self) -> str:
        return model_hash(self.model)

    def as_row(self, chosen_at: datetime) -> pa.Table:
        return pa.Table.from_pylist([{
            "model_hash": self.model_hash, "source": self.source, "reason": self.reason, "records": self.records,
            "estimated_on_records": self.estimated_on_records, "trainable_rules": self.trainable_rules,
            "committed_model_hash": model_hash(committed_model()),
            "training_plan": json.dumps(self.training_plan) if self.training_plan is not None else None,
            "model_json": json.dumps(self.model, sort_keys=True), "chosen_at": chosen_at,
        }], schema=REGISTRY_SCHEMA)


def no_choice() -> pa.Table:
    """An empty registry table: the model of the last choice stays."""
    return REGISTRY_SCHEMA.empty_table()


def latest_choice(registry: pa.Table | None) -> dict | None:
    """The newest row of a registry table as a dict, or None when there is none."""
    if registry is None or registry.num_rows == 0:
        return None
    rows = registry.to_pylist()
    return max(rows, key=lambda row: (row["chosen_at"], row["model_hash"]))


def model_of(registry: pa.Table | None) -> dict:
    """The model that scores: the latest choice's, or the committed one before any choice."""
    latest = latest_choice(registry)
    return json.loads(latest["model_json"]) if latest else committed_model()


def choose(records: pa.Table, latest: dict | None, pin: str | None = None,
           reestimate: bool = False) -> ModelChoice | None:
    """The model for this run, or None when the latest choice stays (see the module docstring).
    ``records`` holds INPUT_COLUMNS of the identity records; ``pin`` is ``committed`` or a
    path of a model JSON (relative to the working folder: the dbt project's)."""
    n_records = records.num_rows
    if pin:
        model = committed_model() if pin == "committed" else json.loads(_pinned_path(pin).read_text())
        if latest and latest["source"] == "pinned" and latest["model_hash"] == model_hash(model):
            return None
        return ModelChoice(model, "pinned", f"pinned by var cdp_match_model ({pin})", n_records, "")
    plan = _plan(records)
    trainable = _trainable(plan)
    reason = _why_estimate(latest, n_records, trainable, reestimate)
    if reason is None:
        return None
    return estimate(records, reason, plan)


def _why_estimate(latest: dict | None, n_records: int, trainable: str, reestimate: bool) -> str | None:
    if reestimate:
        return "re-estimate requested"
    if latest is None:
        return "this warehouse had no model of its own"
    if latest["source"] == "pinned":
        return "the pin (var cdp_match_model) was removed"
    if latest["committed_model_hash"] != model_hash(committed_model()):
        return "the committed model changed"
    if latest["trainable_rules"] != trainable:
        return (f"the rules the records can train under changed: {latest['trainable_rules'] or 'none'} -> "
                f"{trainable or 'none'}")
    before = latest["records"]
    if before == 0 or abs(n_records - before) / before >= MATERIAL_CHANGE:
        return (f"identity records changed by {MATERIAL_CHANGE:.0%} or more: {before:,} -> {n_records:,} "
                f"since the model was chosen")
    return None


def estimate(records: pa.Table, reason: str, plan: TrainingPlan | None = None) -> ModelChoice:
    """Estimate a model on the records, starting from the committed one; the committed model
    when the records are too few or hold nothing to train under."""
    from matching.train import TrainingNotPossible, train

    plan = plan or _plan(records)
    trainable = _trainable(plan)
    n_records = records.num_rows
    committed = committed_model()
    if n_records < MIN_RECORDS_TO_ESTIMATE:
        return ModelChoice(committed, "committed", f"{reason}; {n_records:,} records are too few to learn from "
                           f"(fewer than {MIN_RECORDS_TO_ESTIMATE:,}): the committed model scores",
                           n_records, trainable)
    sample = training_sample(records)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "model.json"
        try:
            used = train(sample, out, start=committed, rounds=ESTIMATE_ROUNDS, u_pairs=ESTIMATE_U_PAIRS)
        except TrainingNotPossible as error:
            return ModelChoice(committed, "committed", f"{reason}; nothing to train under "
                               f"({error.plan.describe()}): the committed model scores", n_records, trainable)
        model = rounded(json.loads(out.read_text(encoding="utf-8")))
    log.info("estimated a model on %d of %d records (%s): %s", sample.num_rows, n_records, reason, model_hash(model))
    return ModelChoice(model, "estimated", reason, n_records, trainable, sample.num_rows, used.as_dict())


def training_sample(records: pa.Table) -> pa.Table:
    """At most TRAINING_RECORDS_CAP records, the same ones for the same file, in record_key order
    (the order the records arrive in must not change the model)."""
    con = duckdb.connect()
    try:
        con.register("records", records)
        return con.sql(f"""
            select * from (select * from records order by md5({UNIQUE_ID}) limit {TRAINING_RECORDS_CAP})
            order by {UNIQUE_ID}
        """).to_arrow_table()
    finally:
        con.close()


def rounded(model: dict) -> dict:
    model = copy.deepcopy(model)
    digits = f".{SIGNIFICANT_DIGITS}g"
    model["probability_two_random_records_match"] = float(format(model["probability_two_random_records_match"],
                                                                 digits))
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if key in level:
                    level[key] = float(format(level[key], digits))
    return model


def _plan(records: pa.Table) -> TrainingPlan:
    con = duckdb.connect()
    try:
        con.register("identity_records", records)
        return plan_training(con, "identity_records", TRAINING_BLOCKING_COLUMNS, DETERMINISTIC_COLUMNS)
    finally:
        con.close()


def _trainable(plan: TrainingPlan) -> str:
    """The rules the records can train under, as one comparable text ('email_key|phone_key|...')."""
    used = {"+".join(rule.columns) for rule in plan.em_rules} | {
        "prior:" + "+".join(rule.columns) for rule in plan.deterministic_rules}
    return "|".join(sorted(used))


def _pinned_path(pin: str) -> Path:
    path = Path(pin)
    if not path.exists():
        raise FileNotFoundError(f"var cdp_match_model names {pin}, which does not exist")
    return path
