-- How often each first-name word is written in the exports, in name-variant form: the
-- first-name fields, and the first and last word of a free-text name (either may be the
-- first name). int_first_name_spellings compares these words with the seed names; a table
-- of its own, so that Spark, which inlines a CTE wherever it is read, computes it once.

with

sources as (
    select first_name, full_name from {{ ref('int_identity_sources') }}
),

-- each distinct text goes through the name functions once
first_name_texts as (
    select first_name as name_text, count(*) as records from sources where first_name is not null group by 1
),

free_text_names as (
    select {{ split_to_list(name_key('full_name'), "' '") }} as words, count(*) as records
    from sources
    where full_name is not null
    group by full_name
),

-- every word written in a first-name slot: the first-name field, and the first and last
-- word of a free-text name (either may be the first name)
first_name_words as (
    select {{ name_key('name_text') }} as word, records from first_name_texts
    union all
    select {{ list_element('words', 1) }}, records from free_text_names
    union all
    select {{ list_element('words', -1) }}, records from free_text_names where {{ list_length('words') }} >= 2
),

word_records as (
    select word, sum(records) as records from first_name_words where word is not null group by 1
),

word_counts as (
    select {{ name_variant('word') }} as name_variant, sum(records) as records
    from word_records
    group by 1
),

final as (
    select * from word_counts
)

select * from final
