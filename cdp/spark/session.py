"""The Spark session of the `spark` backend, created once per process with everything the
project needs in it.

Why in-process and why one place: dbt-spark's `session` method takes whatever
``SparkSession.builder.getOrCreate()`` returns, the cdp_* normalisation functions exist only
in the session that registered them (there is no dbt-spark plugin hook like dbt-duckdb's
``cdp.keys.dbt_plugin``), and Splink's Spark backend needs its similarity jar on the session's
class path before the JVM starts. So ``get_spark`` builds the session with the jar and the
settings below, registers the UDFs, and dbt, the raw publisher and the matching step all
reuse it. ``profiles.yml`` (target ``spark``) repeats the same settings as
``server_side_parameters`` for `dbt` commands run without this module (e.g. `dbt debug`);
a test keeps the two identical.

Environment (defaults in brackets):

    CDP_SPARK_MASTER     Spark master [local[1]]; yarn, k8s://..., spark://host:7077 on a cluster
    CDP_SPARK_WAREHOUSE  folder of Spark's managed tables [data/spark/warehouse]
    CDP_SPARK_METASTORE  folder of the local Derby metastore [data/spark/metastore_db]; one
                         process at a time may open it (use a Hive metastore on a cluster)
    CDP_SPARK_SCHEMA     database of the dbt models and the matching tables [cdp]
    CDP_SPARK_DRIVER_MEMORY, CDP_SPARK_SHUFFLE_PARTITIONS   [1g, 2: sized for local[1] and small files]
    CDP_SPARK_THREADS    models dbt builds at once on the one session [1] (profiles.yml)

Anything else (a Hive metastore, object-store credentials, executor sizes) goes in
$SPARK_CONF_DIR/spark-defaults.conf, which Spark reads when it starts the session.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_MASTER = "local[1]"
DEFAULT_WAREHOUSE = "data/spark/warehouse"
DEFAULT_METASTORE = "data/spark/metastore_db"
DEFAULT_SCHEMA = "cdp"
RAW_SCHEMA = "raw"


def spark_schema() -> str:
    return os.environ.get("CDP_SPARK_SCHEMA", DEFAULT_SCHEMA)


def spark_conf() -> dict[str, str]:
    """Settings shared with profiles.yml's `spark` target (same keys, same values)."""
    warehouse = os.environ.get("CDP_SPARK_WAREHOUSE", DEFAULT_WAREHOUSE)
    metastore = os.environ.get("CDP_SPARK_METASTORE", DEFAULT_METASTORE)
    return {
        "spark.master": os.environ.get("CDP_SPARK_MASTER", DEFAULT_MASTER),
        "spark.sql.warehouse.dir": warehouse,
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={metastore};create=true",
        "spark.sql.shuffle.partitions": os.environ.get("CDP_SPARK_SHUFFLE_PARTITIONS", "2"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": os.environ.get("CDP_SPARK_DRIVER_MEMORY", "1g"),
        # timestamps without an offset are taken as UTC, as DuckDB's TIMESTAMP does
        "spark.sql.session.timeZone": "UTC",
        # dbt-spark forces this on every query it runs; the matching step runs in the same session
        "spark.sql.ansi.enabled": "false",
        # regex literals keep their backslashes, so macros write regexes as in DuckDB
        "spark.sql.parser.escapedStringLiterals": "true",
    }


def _pin_local_paths() -> None:
    """Local folders made absolute in the environment, so this session, Derby and dbt's
    profile (which reads the same variables on every query) all name the same folders,
    whatever the working directory of the JVM or of Hive."""
    for variable, default in (("CDP_SPARK_WAREHOUSE", DEFAULT_WAREHOUSE), ("CDP_SPARK_METASTORE", DEFAULT_METASTORE)):
        value = os.environ.get(variable, default)
        if "://" not in value:
            os.environ[variable] = str(Path(value).resolve())


def get_spark():
    """The project's Spark session (created on first call), with Splink's jar and the cdp_* UDFs."""
    import warnings

    # pyspark 4.3 warns it does not fully support pandas 3; this project moves data as Arrow
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    _refuse_compiled_sqlglot()
    # Python UDF workers must run this interpreter (cdp.keys.normalize needs phonenumbers, anyascii);
    # on a cluster ship the environment instead (docs/spark.md)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    active = SparkSession.getActiveSession()
    if active is None:
        _pin_local_paths()
        builder = SparkSession.builder.appName("cdp").enableHiveSupport()
        for key, value in spark_conf().items():
            builder = builder.config(key, value)
        # derby.log beside the metastore, not in whatever folder the process started in
        metastore_home = Path(os.environ["CDP_SPARK_METASTORE"]).parent
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dderby.system.home={metastore_home}")
        # Splink's string-similarity functions (matching.spark_backend registers them)
        builder = builder.config("spark.jars", similarity_jar_location())
        active = builder.getOrCreate()
        active.sparkContext.setLogLevel(os.environ.get("CDP_SPARK_LOG_LEVEL", "ERROR"))
    register_udfs(active)
    return active


def register_udfs(spark) -> None:
    """The functions the dbt-duckdb plugin (cdp.keys.dbt_plugin) gives DuckDB, as Spark Python UDFs."""
    from pyspark.sql.types import StringType

    from cdp.keys.normalize import name_key, name_variant_key, text_key

    for name, fn in (("cdp_name_key", name_key), ("cdp_text_key", text_key),
                     ("cdp_name_variant", name_variant_key), ("cdp_phone_e164", _phone_e164)):
        spark.udf.register(name, fn, StringType())


def _phone_e164(phone: str | None, country: str | None) -> str | None:
    from cdp.keys.normalize import phone_e164

    return phone_e164(phone, country)


def _refuse_compiled_sqlglot() -> None:
    """Splink's Spark dialect subclasses sqlglot's; the compiled build (sqlglotc) refuses that
    with 'interpreted classes cannot inherit from compiled' deep inside the first query."""
    import importlib.util

    if importlib.util.find_spec("sqlglotc") is not None:
        raise RuntimeError("sqlglotc is installed and breaks Splink's Spark backend: "
                           "pip uninstall sqlglotc sqlglotrs (requirements.lock no longer has them)")
