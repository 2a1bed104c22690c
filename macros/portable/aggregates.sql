{#- Aggregates DuckDB and Spark spell differently. -#}

{#-
    Values joined with a separator in a given order, null when there are none. distinct=true
    drops repeats and orders by the value itself. filter is an optional condition (the
    FILTER clause). Spark: listagg ... within group, or for distinct values a sorted
    collect_set (Spark 4.3 fails on listagg(distinct ...) with a FILTER clause).
-#}
{% macro string_agg_ordered(expr, separator, order_by=none, distinct=false, filter=none) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'cdp')(expr, separator, order_by, distinct, filter)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expr, separator, order_by, distinct, filter) -%}
    string_agg({% if distinct %}distinct {% endif %}{{ expr }}, {{ separator }} order by {{ order_by or expr }})
    {%- if filter %} filter (where {{ filter }}){% endif %}
{%- endmacro %}

{% macro spark__string_agg_ordered(expr, separator, order_by, distinct, filter) -%}
    {%- set filter_clause = ' filter (where ' ~ filter ~ ')' if filter else '' -%}
    {%- if distinct -%}
        {%- if order_by and order_by != expr -%}
            {{ exceptions.raise_compiler_error('string_agg_ordered: distinct values are ordered by themselves') }}
        {%- endif -%}
        nullif(array_join(array_sort(collect_set({{ expr }}){{ filter_clause }}), {{ separator }}), '')
    {%- else -%}
        listagg({{ expr }}, {{ separator }}) within group (order by {{ order_by or expr }}){{ filter_clause }}
    {%- endif -%}
{%- endmacro %}

{#- number of distinct non-null values over a window partition (Spark has no distinct window aggregates) -#}
{% macro count_distinct_over(expr, partition_by) -%}
    {{ return(adapter.dispatch('count_distinct_over', 'cdp')(expr, partition_by)) }}
{%- endmacro %}

{% macro default__count_distinct_over(expr, partition_by) -%}
    count(distinct {{ expr }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro spark__count_distinct_over(expr, partition_by) -%}
    size(collect_set({{ expr }}) over (partition by {{ partition_by }}))
{%- endmacro %}
