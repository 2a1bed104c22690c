-- How often each word is written as a first and as a last name in the exports with separate
-- name fields: 'marina' is a first name though it ends like 'Karina' the surname.
-- int_identity_records reads a lone word of a free-text name ('Lena', 'Popescu') by it, and
-- turns round a name given the wrong way ('Martynin / Vladimir'). A table of its own, so that
-- model reads it rather than recomputing it in each place (Spark inlines repeated CTEs).

with

sources as (
    select first_name, last_name from {{ ref('int_identity_sources') }}
),

-- each distinct text goes through the name function once
stated_texts as (
    select first_name as name_text, 'first' as role, count(*) as records
    from sources where first_name is not null group by 1
    union all
    select last_name, 'last', count(*)
    from sources where last_name is not null group by 1
),

stated_words as (
    select {{ name_key('name_text') }} as word, role, records from stated_texts
),

final as (
    select
        word,
        coalesce(sum(case when role = 'first' then records end), 0) as as_first,
        coalesce(sum(case when role = 'last' then records end), 0) as as_last
    from stated_words
    where word is not null and not contains(word, ' ')
    group by 1
)

select * from final
