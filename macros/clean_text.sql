{#-
    Trim surrounding whitespace (spaces, tabs, line breaks, no-break spaces, BOM) and turn
    an empty string into null. The value itself is not otherwise changed.
-#}
{% macro clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as varchar), ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(65279)), '')
{%- endmacro %}
