{% macro first_name_alias_variants() -%}
    {#- the first_name_aliases seed in variant form: one row per alias -> canonical row -#}
    select
        {{ name_variant('alias') }} as alias_variant,
        {{ name_variant('canonical') }} as canonical_variant
    from {{ ref('first_name_aliases') }}
{%- endmacro %}
