{#-
    Regular expressions, one spelling per adapter. Patterns are SQL string literals written as
    for DuckDB (RE2); on Spark they reach Java's regex engine unchanged because the `spark`
    target sets spark.sql.parser.escapedStringLiterals=true (backslashes kept).
-#}

{#- true when the pattern occurs anywhere in the value -#}
{% macro regex_contains(value, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'cdp')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_contains(value, pattern) -%}
    regexp_like({{ value }}, {{ pattern }})
{%- endmacro %}

{#- true when the pattern matches the whole value (\z: Java's $ would also accept a final line break) -#}
{% macro regex_full_match(value, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'cdp')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(value, pattern) -%}
    regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_full_match(value, pattern) -%}
    regexp_like({{ value }}, concat('^(?:', {{ pattern }}, ')\z'))
{%- endmacro %}

{#- every match replaced (DuckDB needs the 'g' flag; Spark always replaces all) -#}
{% macro regex_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'cdp')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#- the text of one group of the first match, '' when there is none (one spelling on both) -#}
{% macro regex_group(value, pattern, group) -%}
    regexp_extract({{ value }}, {{ pattern }}, {{ group }})
{%- endmacro %}
