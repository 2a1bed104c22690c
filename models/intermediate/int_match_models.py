"""Splink step, first part: which model scores this warehouse's identity records.

The registry of model choices (matching.model_choice): a row is appended whenever the run
chooses a model, because the warehouse has none yet, its records changed materially, the
committed model changed, a re-estimate was asked for or a model is pinned; the latest row
is the model int_scored_pairs scores with. A run that keeps the model appends nothing, so
the same exports give the same tables. Incremental and never rebuilt by --full-refresh: a
full re-match re-scores with the warehouse's model instead of estimating another.
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental", full_refresh=False)
    from matching.model_choice import choose, latest_choice, no_choice
    from matching.settings import INPUT_COLUMNS

    latest = None
    if dbt.is_incremental:
        latest = latest_choice(session.query(f"select * from {dbt.this}").to_arrow_table())
    records = dbt.ref("int_identity_records").project(", ".join(INPUT_COLUMNS)).to_arrow_table()
    # a pinned path is relative to the dbt project, where dbt (and Dagster's dbt) runs
    choice = choose(records, latest, pin=dbt.config.get("match_model") or None,
                    reestimate=str(dbt.config.get("reestimate")).lower() == "true")
    if choice is None:
        return no_choice()
    return choice.as_row(datetime.now(UTC).replace(tzinfo=None))
