-- Every alias row of first_name_aliases ends in one family with its canonical. A row here
-- means int_first_name_families stopped spreading before a chain of aliases was walked:
-- raise its step count.
with

alias_rows as (
    {{ first_name_alias_variants() }}
),

families as (
    select * from {{ ref('int_first_name_families') }}
),

final as (
    select alias_rows.alias_variant, alias_rows.canonical_variant
    from alias_rows
    left join families as alias_family on alias_family.name_variant = alias_rows.alias_variant
    left join families as canonical_family on canonical_family.name_variant = alias_rows.canonical_variant
    where alias_family.family_variant is null
        or canonical_family.family_variant is null
        or alias_family.family_variant <> canonical_family.family_variant
)

select * from final
