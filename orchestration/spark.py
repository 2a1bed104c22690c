"""The pipeline on the dbt target `spark` as a Dagster job, `spark_pipeline_job`.

The DuckDB pipeline is an asset graph whose dbt step runs `dbt build` in a subprocess
(dagster-dbt). On Spark, dbt must run in the process that created the Spark session with
the cdp_* UDFs (dbt-spark's `session` method), and the matching step sits between two dbt
runs (dbt-spark cannot run the matching Python models), so this job is one op that calls
cdp.spark.pipeline.run_spark_pipeline in-process: load new landing files, publish raw to
Spark, dbt, matching, dbt. Settings come from the CDP_SPARK_* environment (docs/spark.md).
"""

import os

from dagster import Config, Failure, OpExecutionContext, job, op

from orchestration.resources import WarehouseResource


class SparkPipelineConfig(Config):
    select: list[str] = []
    command: str = "build"
    full_refresh: bool = False


@op(description="Load, publish raw to Spark, dbt on the spark target, matching on Splink's Spark backend, dbt.")
def spark_pipeline(context: OpExecutionContext, config: SparkPipelineConfig, warehouse: WarehouseResource) -> None:
    from cdp.spark.pipeline import run_spark_pipeline

    # the loader and the raw publisher read the paths from the environment, as the dbt asset does
    os.environ["CDP_WAREHOUSE"] = str(warehouse.warehouse_path)
    os.environ["CDP_LANDING_DIR"] = str(warehouse.landing_path)
    run = run_spark_pipeline(config.select or None, config.command, config.full_refresh)
    for step, seconds in run.seconds.items():
        context.log.info(f"{step}: {seconds:.1f} s")
    if not run.success:
        raise Failure(f"the Spark pipeline failed after {', '.join(run.seconds)}; see the dbt log")
    context.log.info(f"{run.customers} customers")


@job(description="The full pipeline on the dbt target `spark` (docs/spark.md); one op, in-process.")
def spark_pipeline_job():
    spark_pipeline()
