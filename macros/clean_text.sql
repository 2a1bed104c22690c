{#-
    Trim surrounding whitespace (spaces, tabs, line breaks, no-break spaces, BOM) and turn
    an empty string into null. The value itself is not otherwise changed.
    Dispatched per adapter: default__ is the DuckDB SQL, spark__ the Spark SQL.
-#}
{% macro clean_text(expr) -%}
    {{ return(adapter.dispatch('clean_text', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as varchar), ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(65279)), '')
{%- endmacro %}

{% macro spark__clean_text(expr) -%}
    nullif(btrim(cast({{ expr }} as string), ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(65279)), '')
{%- endmacro %}
