{#-
    Post-hook for incremental Python models on DuckDB. dbt-duckdb writes such a model's new
    rows to a table <model>__dbt_tmp<timestamp>, inserts them, and then leaves that table
    behind: it takes it for a temporary table, which a Python model cannot create. With a
    new name every run, one table per run and model would pile up in the warehouse (120,000
    pairs a run at a million records). This drops every such table of the model.
-#}
{% macro drop_scratch_tables() -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set leftovers = run_query(
            "select table_schema, table_name from information_schema.tables"
            ~ " where table_catalog = '" ~ this.database ~ "'"
            ~ " and starts_with(table_name, '" ~ this.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in leftovers.rows %}
    drop table if exists "{{ this.database }}"."{{ row[0] }}"."{{ row[1] }}";
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
