{#- Common table expressions. -#}

{#- `name as {{ computed_once() }} (...)`: the CTE is computed once however many times the query
    reads it. DuckDB otherwise may inline it into each reader, running a Python function in it
    as many times; Spark reuses an identical subplan's exchange by itself and has no keyword. -#}
{% macro computed_once() -%}
    {{ return(adapter.dispatch('computed_once', 'cdp')()) }}
{%- endmacro %}

{% macro default__computed_once() -%}
    materialized
{%- endmacro %}

{% macro spark__computed_once() -%}
{%- endmacro %}
