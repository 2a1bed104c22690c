{#-
    Text -> DATE. Accepts YYYY-MM-DD, YYYYMMDD, DD.MM.YYYY and DD/MM/YYYY (day and month may
    have one digit in the separated forms). Anything else, including impossible dates such
    as 2023-13-45 or 2023-02-30, gives null. The shape is checked before parsing so that
    e.g. '02.01.23' is not read as year 23.
    Dispatched per adapter: default__ is the DuckDB SQL, spark__ the Spark SQL.
-#}
{% macro parse_date(expr) -%}
    {{ return(adapter.dispatch('parse_date', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__parse_date(expr) -%}
    {%- set value = clean_text(expr) -%}
    cast(
        case
            when regexp_full_match({{ value }}, '\d{4}-\d{1,2}-\d{1,2}|\d{8}|\d{1,2}[./]\d{1,2}[./]\d{4}')
                then try_strptime({{ value }}, ['%Y-%m-%d', '%Y%m%d', '%d.%m.%Y', '%d/%m/%Y'])
        end
        as date
    )
{%- endmacro %}

{% macro spark__parse_date(expr) -%}
    {#- needs spark.sql.parser.escapedStringLiterals=true (profiles: backslashes in regexes as in DuckDB) -#}
    {%- set value = clean_text(expr) -%}
    cast(
        case
            when {{ value }} rlike '^(\d{4}-\d{1,2}-\d{1,2}|\d{8}|\d{1,2}[./]\d{1,2}[./]\d{4})$'
                then coalesce(
                    try_to_timestamp({{ value }}, 'yyyy-M-d'), try_to_timestamp({{ value }}, 'yyyyMMdd'),
                    try_to_timestamp({{ value }}, 'd.M.yyyy'), try_to_timestamp({{ value }}, 'd/M/yyyy'))
        end
        as date
    )
{%- endmacro %}
