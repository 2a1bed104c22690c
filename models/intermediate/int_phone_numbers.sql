-- Every phone text in the exports, with the country of its record, parsed to E.164 once.
-- Parsing costs about 50 µs a number and a million records hold over half a million phone
-- texts, so on DuckDB the parse is kept across runs and a run parses only texts it has not
-- seen; texts no longer in any export (an erased person's) are deleted after every run.
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
    post_hook=([] if target.type == 'spark' else [
        "delete from {{ this }} where not exists (
            select 1 from ({{ phone_texts() }}) as texts
            where texts.phone = {{ this }}.phone and coalesce(texts.country, '') = coalesce({{ this }}.country, ''))"
    ])
) }}

with

texts as (
    {{ phone_texts() }}
),

new_texts as (
    select phone, country from texts
    {% if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as parsed
        where parsed.phone = texts.phone and coalesce(parsed.country, '') = coalesce(texts.country, '')
    )
    {% endif %}
),

parse_texts as (
    -- what phonenumbers reads: the digits alone when typing punctuation is all else the text
    -- holds ('8 (912) 345-67-89' and '89123456789' parse alike)
    select
        phone,
        country,
        case when {{ regex_full_match('compact', "'[+]?[0-9]+'") }} then compact else phone end as parse_text
    from (
        select phone, country, {{ regex_replace_all('trim(phone)', "'[\\s().\\-/]+'", "''") }} as compact
        from new_texts
    ) as compacted
),

file_country as (
    -- the country most records name: calls, chats, receipts and consent events name none,
    -- and a file from one market writes their numbers the national way ('07700 900123')
    select country from {{ ref('int_identity_sources') }}
    where country is not null
    group by country
    order by count(*) desc, country
    limit 1
),

parse_forms as (
    -- and no country for a number written with '+' (its own country code decides): a million
    -- records' 750 thousand texts are 550 thousand forms, each parsed once
    select
        phone,
        country,
        parse_text,
        case
            when parse_text like '+%' then null
            else coalesce(country, (select file_country.country from file_country))
        end as parse_country
    from parse_texts
),

parsed_forms as (
    select
        parse_text,
        parse_country,
        {{ phone_key('parse_text', 'parse_country') }} as phone_key
    from (select distinct parse_text, parse_country from parse_forms) as distinct_forms
),

final as (
    select
        parse_forms.phone,
        parse_forms.country,
        parsed_forms.phone_key
    from parse_forms
    left join parsed_forms
        on parse_forms.parse_text = parsed_forms.parse_text
        and coalesce(parse_forms.parse_country, '') = coalesce(parsed_forms.parse_country, '')
)

select * from final
