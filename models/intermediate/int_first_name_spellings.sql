-- Misspelt first names ('Nikoly', 'Tatayna', 'Рофан') with the family of the name they
-- misspell, so that a typo on one record and a nickname on another (Nikoly / Kolya, both
-- Nikolay) do not read as two people's first names. Household members share a phone, and
-- two different first names there mark two people; a typo must not.
--
-- A word is a misspelling of a seed name (int_first_name_families) when it is one edit away
-- (a letter changed, added, dropped, or two letters swapped), starts with the same letter,
-- is not itself a seed name, and is at least typo_rarity (20) times rarer in the exports: 'Ivana'
-- is one letter from Ivan but common in its own right, so it stays a name of its own.
-- Words that are one edit from names of two families are left alone.
--
-- One edit is found without comparing every pair of words: two words one edit apart are
-- the same string after deleting at most one letter from each.
{% set typo_rarity = 20 %}
{% set longest_name = 16 %}

with

word_counts as (
    select name_variant, records from {{ ref('int_first_name_word_counts') }}
),

families as (
    select * from {{ ref('int_first_name_families') }}
),

seed_names as (
    select families.name_variant, families.family_variant, coalesce(word_counts.records, 0) as records
    from families
    left join word_counts on word_counts.name_variant = families.name_variant
),

other_words as (
    select name_variant, records
    from word_counts
    where length(name_variant) >= 4
        and name_variant not in (select name_variant from families)
),
{% for words in ['seed_names', 'other_words'] %}
{{ words }}_deletions as (
    select name_variant, name_variant as deleted, 0 as position, '' as deleted_letter from {{ words }}
    {%- for position in range(1, longest_name + 1) %}
    union all
    select
        name_variant,
        concat(substr(name_variant, 1, {{ position - 1 }}), substr(name_variant, {{ position + 1 }})),
        {{ position }},
        substr(name_variant, {{ position }}, 1)
    from {{ words }} where length(name_variant) >= {{ position }}
    {%- endfor %}
),
{% endfor %}
-- the same string after at most one deletion each: a letter added or dropped (one side
-- deleted), changed (both, at one position) or swapped with its neighbour (both, at
-- neighbouring positions, the same letter); other coincidences are two edits apart
one_edit_apart as (
    select distinct
        other_words.name_variant,
        seed_names.family_variant
    from other_words_deletions as typo
    join seed_names_deletions as seed on seed.deleted = typo.deleted
    join seed_names on seed_names.name_variant = seed.name_variant
    join other_words on other_words.name_variant = typo.name_variant
    where ((typo.position = 0) <> (seed.position = 0)
            or typo.position = seed.position
            or (abs(typo.position - seed.position) = 1 and typo.deleted_letter = seed.deleted_letter))
        and substr(seed_names.name_variant, 1, 1) = substr(other_words.name_variant, 1, 1)
        and seed_names.records >= {{ typo_rarity }} * other_words.records
),

final as (
    select name_variant, min(family_variant) as family_variant
    from one_edit_apart
    group by 1
    having count(*) = 1
)

select * from final
