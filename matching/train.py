"""Re-estimate the Splink model from the identity records in the warehouse.

    cdp train [--warehouse data/warehouse.duckdb]       the warehouse's model (int_match_models)
    python -m matching.train --out matching/model/splink_model.json   the committed model

u-probabilities come from random sampling, corrected for the same-person pairs it also
draws (see ``train``), m-probabilities from expectation maximisation under several blocking rules
(each rule leaves the other comparisons free to learn), and the prior from exact rules.
`cdp train` appends its model to the warehouse's int_match_models; with --out, training reads
the warehouse read-only.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on
from splink.internals.exceptions import EMTrainingException

from matching.predict import MODEL_PATH
from matching.prepare import load_records
from matching.reports import write_training_reports
from matching.settings import (
    DETERMINISTIC_COLUMNS,
    DETERMINISTIC_RECALL,
    HOUSEHOLD_LABEL,
    TRAINING_BLOCKING_COLUMNS,
    WEIGHTS_BORROWED_FROM,
    settings,
)
from matching.term_frequencies import register_corrected_term_frequencies
from matching.training_plan import TrainingPlan, plan_training
from matching.workspace import workspace

if TYPE_CHECKING:  # model_choice imports this module
    from matching.model_choice import ModelChoice

log = logging.getLogger(__name__)

RECORDS_TABLE = "main.int_identity_records"
U_SAMPLE_PAIRS = 1e7
# Never let the correction push u below this share of the raw agreement rate: the prior and m
# are estimates too, and a u of zero would make one agreeing value decide a match alone.
U_FLOOR_SHARE = 0.05


class TrainingNotPossible(ValueError):
    """The records hold no rule with enough pairs to train under (see matching.training_plan)."""

    def __init__(self, plan: TrainingPlan):
        super().__init__(f"nothing to train under: {plan.describe()}")
        self.plan = plan


def train(records: pa.Table, out_path: Path = MODEL_PATH, seed: int = 42,
          deterministic_recall: float = DETERMINISTIC_RECALL, rounds: int = 2,
          reports_dir: Path | None = None, start: dict | None = None,
          u_pairs: float = U_SAMPLE_PAIRS) -> TrainingPlan:
    """Train the model on identity records and write the model JSON to ``out_path``; returns
    the plan (rules used and skipped). Raises TrainingNotPossible when no rule has enough pairs.

    ``start`` is the model training starts from (default: the settings' levels with Splink's
    starting values): a comparison the records cannot train (no e-mails in the file) keeps
    its weights. Only the rules the records can train under are used (matching.training_plan);
    without any deterministic rule the starting prior is kept.

    Random sampling measures how often a level occurs among *all* random pairs, which
    Splink takes as u. In a customer file with several records per person, a share lambda
    (the prior) of random pairs are the same person, and for rare values (a phone, an
    e-mail, a birth date) those pairs are much of the agreement seen, so u comes out too
    high and exact contact-point matches too weak. Since
        P(level) = lambda * m + (1 - lambda) * u,
    each round solves for u with the current m, then re-estimates m by EM with u fixed.
    """
    con = workspace()
    try:
        load_records(con, records)
        plan = plan_training(con, "identity_records", TRAINING_BLOCKING_COLUMNS, DETERMINISTIC_COLUMNS)
        log.info("%s", plan.describe())
        if not plan.em_rules:
            raise TrainingNotPossible(plan)
        linker = _linker(con, start if start is not None else settings())
        if plan.deterministic_rules:
            linker.training.estimate_probability_two_random_records_match(
                [block_on(*rule.columns) for rule in plan.deterministic_rules], recall=deterministic_recall)
        register_corrected_term_frequencies(linker, con, "identity_records")
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        observed = linker.misc.save_model_to_json()  # u here = P(level) among random pairs
        linker = _estimate_m(con, linker, plan)
        for _ in range(rounds):
            model = _with_u_corrected(linker.misc.save_model_to_json(), observed)
            linker = _linker(con, model)
            register_corrected_term_frequencies(linker, con, "identity_records")
            linker = _estimate_m(con, linker, plan)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(_household_levels_neutral(linker.misc.save_model_to_json()), indent=2)
                            + "\n", encoding="utf-8")
        if reports_dir is not None:
            _write_reports(con, json.loads(out_path.read_text(encoding="utf-8")), plan.as_dict(), reports_dir)
    finally:
        con.close()
    return plan


def _household_levels_neutral(model: dict) -> dict:
    """A phone, e-mail or address shared by records whose first names conflict is what a
    family shares: such agreement says nothing either way (m = u). EM cannot learn that
    itself, because under the rules it trains on (same phone, same e-mail) family members
    and nickname-spelt records of one person look alike, and it gave these levels weights
    that stacked up to merge households."""
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if HOUSEHOLD_LABEL in level.get("label_for_charts", "") and "u_probability" in level:
                level["m_probability"] = level["u_probability"]
    return model


def _write_reports(con: duckdb.DuckDBPyConnection, model: dict, plan: dict, reports_dir: Path) -> None:
    """The plan as training.json, and Splink's charts. Charts need the intermediate columns,
    so score once more with them retained."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / "training.json").write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
    model = copy.deepcopy(model)
    model["retain_intermediate_calculation_columns"] = True
    model["retain_matching_columns"] = True
    linker = _linker(con, model)
    register_corrected_term_frequencies(linker, con, "identity_records")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    n_records = con.execute("select count(*) from identity_records").fetchall()[0][0]
    for path in write_training_reports(linker, predictions, clusters, reports_dir, n_records):
        log.info("wrote %s", path)


def _linker(con: duckdb.DuckDBPyConnection, model) -> Linker:
    return Linker(DuckDBAPI(connection=con).register("identity_records"), model, log_level=logging.WARNING)


def _estimate_m(con: duckdb.DuckDBPyConnection, linker: Linker, plan: TrainingPlan) -> Linker:
    """EM under each rule of the plan. On a small file a level with almost no examples can drive
    its m towards zero until Splink refuses the value, or a session can find nothing to learn;
    that rule's session is then undone (the other rules still train the level's comparison)
    and recorded in the plan, rather than failing the training."""
    for rule in plan.em_rules:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule.columns))
        except (ValueError, EMTrainingException) as error:
            if isinstance(error, ValueError) and "below the minimum allowed value" not in str(error):
                raise
            reason = str(error).splitlines()[0][:200]
            log.warning("EM under %s undone: %s", rule.sql, reason)
            plan.em_undone[rule.sql] = reason
            linker = _linker(con, before)
            register_corrected_term_frequencies(linker, con, "identity_records")
    return linker


def _with_u_corrected(model: dict, observed: dict) -> dict:
    """u = (P(level) - lambda * m) / (1 - lambda), kept at least U_FLOOR_SHARE of P(level)."""
    model = copy.deepcopy(model)
    prior = model["probability_two_random_records_match"]
    for comparison, seen in zip(model["comparisons"], observed["comparisons"], strict=True):
        levels = [(level, seen_level) for level, seen_level in
                  zip(comparison["comparison_levels"], seen["comparison_levels"], strict=True)
                  if "u_probability" in seen_level and "m_probability" in level]
        for level, seen_level in levels:
            p_level = seen_level["u_probability"]
            corrected = (p_level - prior * level["m_probability"]) / (1 - prior)
            level["u_probability"] = max(corrected, U_FLOOR_SHARE * p_level)
        total = sum(level["u_probability"] for level, _ in levels)
        for level, _ in levels:
            level["u_probability"] /= total
    return model


def with_levels_of_settings(model: dict, defined: dict) -> dict:
    """The trained ``model`` with the blocking rules, level conditions and labels ``defined`` (settings.py),
    its weights kept: for a change to what a level matches that needs no retraining, for
    a new null level (it carries no weights; where it matches, the comparison counts
    nothing) and for a new level named in WEIGHTS_BORROWED_FROM (it gets the m and u of
    that trained level). Any other new level with weights needs `cdp train`."""
    model = copy.deepcopy(model)
    for comparison, wanted in zip(model["comparisons"], defined["comparisons"], strict=True):
        if comparison["output_column_name"] != wanted["output_column_name"]:
            raise ValueError(f"comparison {wanted['output_column_name']} is not where the model has it")
        trained = list(comparison["comparison_levels"])
        trained_labels = {level.get("label_for_charts") for level in trained}
        by_label = {level.get("label_for_charts"): level for level in trained}
        levels = []
        for level in wanted["comparison_levels"]:
            label = level.get("label_for_charts")
            if label not in trained_labels and (level.get("is_null_level") or label in WEIGHTS_BORROWED_FROM):
                new = dict(level)
                if label in WEIGHTS_BORROWED_FROM:
                    lender = by_label[WEIGHTS_BORROWED_FROM[label]]
                    new.update({key: lender[key] for key in ("m_probability", "u_probability")})
                levels.append(new)
                continue
            if not trained:
                raise ValueError(f"{comparison['output_column_name']}: a new level with weights needs training")
            kept = trained.pop(0)
            kept.update({key: level[key] for key in ("sql_condition", "label_for_charts") if key in level})
            levels.append(kept)
        if trained:
            raise ValueError(f"{comparison['output_column_name']}: levels removed; retrain (cdp train)")
        comparison["comparison_levels"] = levels
    # blocking rules choose which pairs are scored, not how: they carry no weights
    model["blocking_rules_to_generate_predictions"] = defined["blocking_rules_to_generate_predictions"]
    return model


def read_records(warehouse: Path, table: str = RECORDS_TABLE) -> pa.Table:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(f"select * from {table}").to_arrow_table()


def main(argv: list[str] | None = None) -> None:
    from cdp.ingest.contract import warehouse_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $CDP_WAREHOUSE")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the model to this JSON file instead of making it the warehouse's model "
                             "(the committed model: --out matching/model/splink_model.json)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reports", type=Path, default=Path("reports/matching"),
                        help="where to write Splink's charts and the blocking counts")
    parser.add_argument("--levels-only", action="store_true",
                        help="do not train: copy the blocking rules, level conditions and labels of settings.py into "
                             "the model at --out (default: the committed model), keeping its weights (new null levels "
                             "are inserted, levels in settings.WEIGHTS_BORROWED_FROM get a trained level's weights)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.levels_only:
        out = args.out or MODEL_PATH
        model = json.loads(out.read_text(encoding="utf-8"))
        defined = settings().get_settings("duckdb").as_dict()
        out.write_text(json.dumps(with_levels_of_settings(model, defined), indent=2) + "\n", encoding="utf-8")
        print(f"level conditions and labels of settings.py written to {out}; weights kept")
        return
    warehouse = args.warehouse or warehouse_path()
    records = read_records(warehouse)
    if args.out is None:
        choice = reestimate_warehouse_model(warehouse, records, args.reports)
        print(f"model {choice.model_hash} ({choice.source}: {choice.reason}) is now the model of {warehouse}; "
              "the next run scores with it")
        return
    try:
        plan = train(records, args.out, seed=args.seed, reports_dir=args.reports)
    except TrainingNotPossible as error:
        parser.exit(2, f"{error}\n")
    print(plan.describe())
    print(f"trained on {records.num_rows} identity records; model written to {args.out}")


def reestimate_warehouse_model(warehouse: Path, records: pa.Table, reports_dir: Path) -> ModelChoice:
    """Estimate the warehouse's model as a run would (matching.model_choice.estimate) and make
    it the latest choice of int_match_models; the next run scores with it (every pair afresh
    when it is another model than the one the pairs were scored with)."""
    from datetime import UTC, datetime

    from matching.model_choice import estimate

    choice = estimate(records, "re-estimate requested (cdp train)")
    row = choice.as_row(datetime.now(UTC).replace(tzinfo=None))
    with duckdb.connect(str(warehouse)) as con:
        con.register("choice", row)
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'main' "
                             "and table_name = 'int_match_models'").fetchall()[0][0]
        con.execute("insert into main.int_match_models by name select * from choice" if exists
                    else "create table main.int_match_models as select * from choice")
    if choice.training_plan is not None:
        con = workspace()
        try:
            load_records(con, records)
            _write_reports(con, choice.model, choice.training_plan, reports_dir)
        finally:
            con.close()
    return choice


if __name__ == "__main__":
    main()
