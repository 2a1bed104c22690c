"""The back-test of every prediction model beside its naive baseline, on a window it never saw.

Each model learns at T - 2h, predicts at T - h and is judged on (T - h, T]. One row per task
and method (model | baseline) with AUC, average precision, calibration error, top-decile
lift (or error, or hit rate) and the curves and feature importances of reports/predictions.html.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from cdp.predictions.dbt_inputs import as_of_from, model_history
    from cdp.predictions.pipeline import backtests

    with model_history(dbt.ref("fct_purchases"), dbt.ref("int_customer_record_summary"),
                       dbt.ref("int_purchase_lines")) as history:
        table = backtests(history, as_of_from(dbt.config.get("as_of")), int(dbt.config.get("churn_days")))
    return table
