-- Every first name the first_name_aliases seed knows, in variant form, with the family it
-- belongs to: the names joined to it through the seed's alias -> canonical rows, however
-- many steps away. A diminutive shared by a man's and a woman's name (Sasha: Alexander and
-- Alexandra; Zhenya: Evgeny and Evgenia; Gabi: Gabriel and Gabriela) puts both in one
-- family, so 'Sasha' never conflicts with 'Aleksandra'; a canonical that is itself an alias
-- (Michael -> Mikhail, Mike -> Michael) resolves in one family too. The family is named by
-- its smallest canonical variant.
--
-- The family spreads one link a step, for a fixed number of steps (Spark has no recursive
-- SQL); the test on this model fails if a longer chain ever needs more.
{% set steps = 6 %}

with

alias_rows as (
    {{ first_name_alias_variants() }}
),

-- both directions, and each name linked to itself
name_links as (
    select alias_variant as name_variant, canonical_variant as linked_variant from alias_rows
    union
    select canonical_variant, alias_variant from alias_rows
    union
    select alias_variant, alias_variant from alias_rows
    union
    select canonical_variant, canonical_variant from alias_rows
),

families_0 as (
    select name_links.name_variant, min(alias_rows.canonical_variant) as family_variant
    from name_links
    join alias_rows on alias_rows.canonical_variant = name_links.linked_variant
    group by 1
),

{% for step in range(1, steps + 1) %}
families_{{ step }} as (
    select name_links.name_variant, min(linked.family_variant) as family_variant
    from name_links
    join families_{{ step - 1 }} as linked on linked.name_variant = name_links.linked_variant
    group by 1
),
{% endfor %}

final as (
    select name_variant, family_variant from families_{{ steps }}
)

select * from final
