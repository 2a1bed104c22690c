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

final as (
    select
        phone,
        country,
        {{ phone_key('phone', 'country') }} as phone_key
    from new_texts
)

select * from final
