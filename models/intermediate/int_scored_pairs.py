"""Scored candidate pairs of identity records, kept between runs so that a batch of new
records is scored against the file instead of the whole file against itself again.

Incremental (matching.incremental): each run scores only records that are new or whose
matching columns changed (new x all records), drops the pairs of changed and vanished
records, and appends. Rows with record_key_l = record_key_r register a scored record and
its input hash (so a record that matched nobody is not scored again); every other row is
a pair at or above the candidate floor. The model is the latest choice of int_match_models;
another model than the one the kept pairs were scored with scores everything afresh,
and so does `dbt build --full-refresh` (the full re-match).
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental")
    from matching.incremental import model_version, score_all, score_new
    from matching.model_choice import model_of
    from matching.settings import INPUT_COLUMNS

    # only what matching reads: at ten million records every column of the file does not fit
    records = dbt.ref("int_identity_records").project(", ".join(INPUT_COLUMNS)).to_arrow_table()
    # the warehouse's model: the latest choice of int_match_models
    scoring_model = model_of(dbt.ref("int_match_models").to_arrow_table())
    version = model_version(scoring_model)
    update = None
    if dbt.is_incremental:
        versions = [row[0] for row in session.execute(f"select distinct model_version from {dbt.this}").fetchall()]
        if versions == [version]:
            # as Arrow, not Python rows: a million records' keys took 1.4 s as rows, 0.2 s so
            scored = session.query(f"select record_key_l as record_key, input_hash from {dbt.this} "
                                   "where record_key_l = record_key_r").to_arrow_table()
            update = score_new(records, scored, scoring_model)
            if update.stale_keys:
                session.execute(f"delete from {dbt.this} where record_key_l in (select unnest($keys)) "
                                f"or record_key_r in (select unnest($keys))", {"keys": update.stale_keys})
        else:
            session.execute(f"delete from {dbt.this}")
    if update is None:
        update = score_all(records, scoring_model)

    return update.as_rows(version, datetime.now(UTC).replace(tzinfo=None))
