{#-
    The matching tables (int_scored_pairs, int_identity_clusters, int_customer_id_assignments).
    On dbt-duckdb they are dbt Python models, so a plain `dbt build` matches; dbt-spark runs
    Python models only on Databricks, so on other targets those models are disabled and the
    matching step outside dbt (`cdp match --backend spark`) writes same-named tables, declared
    as source `matching`.
-#}
{% macro matching_ref(name) -%}
    {%- if target.type == 'duckdb' -%}
        {{ ref(name) }}
    {%- else -%}
        {{ source('matching', name) }}
    {%- endif -%}
{%- endmacro %}
