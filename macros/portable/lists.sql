{#- Lists (DuckDB) / arrays (Spark): split, length and 1-based element access. -#}

{#- the value split at a separator; on Spark the separator is a regex, so pass plain characters -#}
{% macro split_to_list(value, separator) -%}
    {{ return(adapter.dispatch('split_to_list', 'cdp')(value, separator)) }}
{%- endmacro %}

{% macro default__split_to_list(value, separator) -%}
    string_split({{ value }}, {{ separator }})
{%- endmacro %}

{% macro spark__split_to_list(value, separator) -%}
    split({{ value }}, {{ separator }})
{%- endmacro %}

{#- number of elements, null for a null list -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'cdp')(list)) }}
{%- endmacro %}

{% macro default__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_length(list) -%}
    array_size({{ list }})
{%- endmacro %}

{#- element at a 1-based position (negative: from the end); null when out of range -#}
{% macro list_element(list, position) -%}
    {{ return(adapter.dispatch('list_element', 'cdp')(list, position)) }}
{%- endmacro %}

{% macro default__list_element(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro spark__list_element(list, position) -%}
    try_element_at({{ list }}, {{ position }})
{%- endmacro %}
