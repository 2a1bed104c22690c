-- Each identity record's first and last name keys, read from whichever name fields it has:
-- the first- and last-name fields, else a free-text name split into its parts, turned round
-- when it was given the wrong way round. The keys of each text come from int_name_keys.

with

sources as (
    select record_key, first_name, last_name, full_name from {{ ref('int_identity_sources') }}
),

name_keys as (
    select * from {{ ref('int_name_keys') }}
),

name_roles as (
    select * from {{ ref('int_name_roles') }}
),

keyed_sources as (
    select
        sources.record_key,
        first_names.first_name_key as first_name_text_key,
        last_names.person_name_key as last_name_text_key,
        full_names.given_name_key as full_name_text_key
    from sources
    left join name_keys as first_names on first_names.name_text = sources.first_name
    left join name_keys as last_names on last_names.name_text = sources.last_name
    left join name_keys as full_names on full_names.name_text = sources.full_name
),

{%- set titles = name_titles() -%}
{#- a single word shaped like a Russian, Ukrainian or Romanian surname -#}
{%- set surname_shape = '(ov|ev|in|ski|skiy|skii|sky|ova|eva|ina|skaya|aya|escu|eanu|ache|aru|iuc|uk|enko|ko)$' -%}
{#- a lone word is a surname when the named channels write it as one more often than as a first
    name, or, for a word they never use, when it is shaped like one -#}
{%- set lone_word_is_surname -%}
    coalesce(name_roles.as_last > name_roles.as_first,
             {{ regex_contains(list_element('full_name_tokens', 1), "'" ~ surname_shape ~ "'") }})
{%- endset %}

titled as (
    select
        *,
        {{ regex_contains('full_name_text_key', "'^(" ~ titles ~ ") '") }} as has_title,
        {{ split_to_list(
            "trim(regexp_replace(full_name_text_key, '^((" ~ titles ~ ") )+', ''))",
            "' '"
        ) }} as full_name_tokens
    from keyed_sources
),

name_parts as (
    -- a free-text name ('Ivan Petrov', 'Mrs Popescu', 'Lena') becomes first and last name:
    -- two or more words give both; one word is a last name after a title or when it reads
    -- as a surname (name_roles), else a first name. A chat handle ('@rotaru_ramona') is not
    -- read as a name here: the handle comparison weighs it, and reading it twice would count
    -- one piece of evidence twice
    select
        titled.*,
        case
            when {{ list_length('full_name_tokens') }} >= 2 then {{ list_element('full_name_tokens', 1) }}
            when {{ list_length('full_name_tokens') }} = 1 and not coalesce(has_title, false)
                and not {{ lone_word_is_surname }} then {{ list_element('full_name_tokens', 1) }}
        end as parsed_first_name,
        case
            when {{ list_length('full_name_tokens') }} >= 2 then {{ list_element('full_name_tokens', -1) }}
            when {{ list_length('full_name_tokens') }} = 1
                and (has_title or {{ lone_word_is_surname }}) then {{ list_element('full_name_tokens', 1) }}
        end as parsed_last_name
    from titled
    left join name_roles
        on name_roles.word = {{ list_element('titled.full_name_tokens', 1) }}
        and {{ list_length('titled.full_name_tokens') }} = 1
),

stated_names as (
    select
        record_key,
        coalesce(first_name_text_key, nullif(parsed_first_name, '')) as stated_first_name_key,
        coalesce(last_name_text_key, nullif(parsed_last_name, '')) as stated_last_name_key
    from name_parts
),

oriented_names as (
    -- a name the wrong way round ('Martynin' / 'Vladimir' in the first and last name fields,
    -- 'Лукьянова Ольга' told to the call centre): when the file writes the first word more
    -- than twice as often as a last name and the second more than twice as often as a first
    -- name (name_roles), the two are turned round, so keys, blocking and the frequency of the
    -- name are the person's. A clear majority, so a word used both ways does not flip with
    -- every batch (a flip rescores the record). first_name, last_name and full_name keep
    -- what the export said
    select
        stated_names.*,
        coalesce(
            first_roles.as_last > 2 * first_roles.as_first and last_roles.as_first > 2 * last_roles.as_last,
            false
        ) as is_name_swapped
    from stated_names
    left join name_roles as first_roles on first_roles.word = stated_names.stated_first_name_key
    left join name_roles as last_roles on last_roles.word = stated_names.stated_last_name_key
),

final as (
    select
        record_key,
        case when is_name_swapped then stated_last_name_key else stated_first_name_key end as first_name_key,
        case when is_name_swapped then stated_first_name_key else stated_last_name_key end as last_name_key
    from oriented_names
)

select * from final
