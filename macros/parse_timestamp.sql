{#-
    Text -> TIMESTAMP (UTC, without time zone).

    Accepts ISO date-times with 'T' or a space between date and time, with or without
    seconds (and up to 6 fractional digits), optionally followed by a UTC offset ('Z', 'UTC',
    '+02', '+0200', '+02:00'); values with an offset are converted to UTC, values without one
    are taken as they are. A plain date (any format parse_date accepts) gives midnight.
    Anything else, including impossible dates or times, gives null.
    Dispatched per adapter: default__ is the DuckDB SQL, spark__ the Spark SQL.
-#}
{% macro parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
    {%- set value = clean_text(expr) -%}
    {%- set date_time = "\\d{4}-\\d{1,2}-\\d{1,2}[Tt ]+\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?" -%}
    {#- 'T' between date and time -> ' ' -#}
    {%- set spaced = "regexp_replace(" ~ value ~ ", '^(\\d{4}-\\d{1,2}-\\d{1,2})[Tt ]+', '\\1 ')" -%}
    {#- 'Z' / 'UTC' -> '+00:00', no space before the offset -#}
    {%- set with_offset = "regexp_replace(regexp_replace(" ~ spaced ~ ", '\\s*(UTC|[Zz])$', '+00:00'), '\\s+([+-]\\d{2}(:?\\d{2})?)$', '\\1')" -%}
    coalesce(
        case
            when regexp_full_match({{ value }}, '{{ date_time }}\s*(UTC|[Zz]|[+-]\d{2}(:?\d{2})?)')
                then timezone('UTC', try_strptime(
                    {{ with_offset }},
                    ['%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z']
                ))
        end,
        case
            when regexp_full_match({{ value }}, '{{ date_time }}')
                then try_strptime({{ spaced }}, ['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M'])
        end,
        cast({{ parse_date(expr) }} as timestamp)
    )
{%- endmacro %}

{% macro spark__parse_timestamp(expr) -%}
    {#- the session time zone is UTC (profiles), so a parsed offset converts to UTC;
        needs spark.sql.parser.escapedStringLiterals=true -#}
    {%- set value = clean_text(expr) -%}
    {%- set date_time = "\\d{4}-\\d{1,2}-\\d{1,2}[Tt ]+\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?" -%}
    {%- set spaced = "regexp_replace(" ~ value ~ ", '^(\\d{4}-\\d{1,2}-\\d{1,2})[Tt ]+', '$1 ')" -%}
    {%- set with_offset = "regexp_replace(regexp_replace(" ~ spaced ~ ", '\\s*(UTC|[Zz])$', '+00:00'), '\\s+([+-]\\d{2}(:?\\d{2})?)$', '$1')" -%}
    coalesce(
        case
            when {{ value }} rlike '^{{ date_time }}\s*(UTC|[Zz]|[+-]\d{2}(:?\d{2})?)$'
                then coalesce(
                    try_to_timestamp({{ with_offset }}, 'yyyy-M-d H:mm[:ss][.SSSSSS]XXX'),
                    try_to_timestamp({{ with_offset }}, 'yyyy-M-d H:mm[:ss][.SSSSSS]XX'),
                    try_to_timestamp({{ with_offset }}, 'yyyy-M-d H:mm[:ss][.SSSSSS]X'))
        end,
        case
            when {{ value }} rlike '^{{ date_time }}$'
                then try_to_timestamp({{ spaced }}, 'yyyy-M-d H:mm[:ss][.SSSSSS]')
        end,
        cast({{ parse_date(expr) }} as timestamp)
    )
{%- endmacro %}
