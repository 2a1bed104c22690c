{#-
    Text -> DECIMAL(18, 2). Accepts a dot or a comma as decimal separator ('12.50', '12,50'),
    a leading sign, and spaces as thousands separators ('1 234,50'). When both a dot and a
    comma occur, the last one is the decimal separator ('1,234.50', '1.234,50').
    Anything else ('abc', '12.50 EUR', '1,2,3') gives null.
-#}
{% macro parse_amount(expr) -%}
    {%- set value -%}
        replace(replace({{ clean_text(expr) }}, ' ', ''), chr(160), '')
    {%- endset -%}
    try_cast(
        case
            when {{ value }} like '%,%.%' then replace({{ value }}, ',', '')
            when {{ value }} like '%.%,%' then replace(replace({{ value }}, '.', ''), ',', '.')
            else replace({{ value }}, ',', '.')
        end
        as decimal(18, 2)
    )
{%- endmacro %}
