{#- Date arithmetic DuckDB and Spark spell differently. -#}

{#- an interval of n days, to add to or subtract from a timestamp -#}
{% macro days_interval(days) -%}
    {{ return(adapter.dispatch('days_interval', 'cdp')(days)) }}
{%- endmacro %}

{% macro default__days_interval(days) -%}
    to_days({{ days }})
{%- endmacro %}

{% macro spark__days_interval(days) -%}
    make_dt_interval({{ days }})
{%- endmacro %}

{#- calendar days from one timestamp's date to another's (DuckDB's date_diff('day', ..) counts
    day boundaries; Spark's datediff(day, ..) would count whole 24-hour days) -#}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between', 'cdp')(start, end)) }}
{%- endmacro %}

{% macro default__days_between(start, end) -%}
    date_diff('day', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__days_between(start, end) -%}
    datediff(cast({{ end }} as date), cast({{ start }} as date))
{%- endmacro %}
