"""The Spark path, for users who outgrow one machine: dbt-spark plus Splink's Spark backend.

    session      the one Spark session, with Splink's jar and the cdp_* UDFs
    raw          the loaded raw tables published to Spark
    pipeline     `cdp spark run`: load, publish raw, dbt on target `spark`, matching, dbt
"""
