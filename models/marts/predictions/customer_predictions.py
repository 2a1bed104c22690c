"""Scores per customer: churn and 30-day purchase probability, 12-month value, next category.

The models (cdp.predictions) learn at as_of - horizon from what customers did in the horizon
after it, then score every customer from what is known at as_of (the latest purchase, or var
rfm_as_of). Reads the purchases, the customers' first records and the product lines; never
dim_customers, which joins these scores.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pyarrow as pa

    from cdp.predictions.dbt_inputs import as_of_from, model_history
    from cdp.predictions.pipeline import scores

    with model_history(dbt.ref("fct_purchases"), dbt.ref("int_customer_record_summary"),
                       dbt.ref("int_purchase_lines")) as history:
        frame = scores(history, as_of_from(dbt.config.get("as_of")), int(dbt.config.get("churn_days")))
    return pa.Table.from_pandas(frame, preserve_index=False)
