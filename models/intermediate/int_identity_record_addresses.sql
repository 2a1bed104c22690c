-- Each identity record's address keys: postcode in upper-case letters and digits, one name
-- per city (Moscow / Москва / Мск are all moskva: the city_aliases seed), and the street
-- with its abbreviations spelt one way (macro street_key), each street text keyed once.

with

sources as (
    select record_key, street, street2, city, postcode from {{ ref('int_identity_sources') }}
),

city_keys as (
    select name_text, name_key from {{ ref('int_name_keys') }}
),

city_aliases as (
    select
        {{ city_key(name_key('alias')) }} as alias_key,
        min({{ city_key(name_key('canonical')) }}) as canonical_key
    from {{ ref('city_aliases') }}
    group by 1
),

street_keys as (
    select street_text, {{ street_key('street_text') }} as street_key
    from (select distinct concat_ws(' ', street, street2) as street_text from sources) as street_texts
),

keyed as (
    select
        sources.record_key,
        sources.postcode,
        cities.name_key as city_text_key,
        street_keys.street_key as street_text_key
    from sources
    left join city_keys as cities on cities.name_text = sources.city
    left join street_keys on street_keys.street_text = concat_ws(' ', sources.street, sources.street2)
),

final as (
    select
        keyed.record_key,
        {{ postcode_key('keyed.postcode') }} as postcode_key,
        coalesce(city_aliases.canonical_key, {{ city_key('keyed.city_text_key') }}) as city_key,
        keyed.street_text_key as street_key
    from keyed
    left join city_aliases on city_aliases.alias_key = {{ city_key('keyed.city_text_key') }}
)

select * from final
