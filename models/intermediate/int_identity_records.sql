-- One row per source record that identifies a person, with normalised matching keys
-- beside the original values. Web browsers (anonymous ids) count when they logged in or
-- sent a form; their login links them to the account in int_identity_links. Transactions that carry their own identity (guest orders,
-- receipts where the cashier typed a phone) are identity records too; transactions that
-- point at an identity record (an order's account_id, a receipt's loyalty card) are not.

with

sources as (
    select * from {{ ref('int_identity_sources') }}
),

phone_numbers as (
    select phone as number_text, country as number_country, phone_key as parsed_phone_key
    from {{ ref('int_phone_numbers') }}
),

first_name_aliases as (
    select
        {{ name_variant('alias') }} as alias_variant,
        min({{ name_variant('canonical') }}) as canonical_variant
    from {{ ref('first_name_aliases') }}
    group by 1
),

city_aliases as (
    select
        {{ city_key('alias') }} as alias_key,
        min({{ city_key('canonical') }}) as canonical_key
    from {{ ref('city_aliases') }}
    group by 1
),

name_roles as (
    -- how often each word is written as a first and as a last name in the channels with
    -- separate name fields: 'marina' is a first name though it ends like 'Karina' the surname
    select word, count(*) filter (where role = 'first') as as_first, count(*) filter (where role = 'last') as as_last
    from (
        select {{ name_key('first_name') }} as word, 'first' as role from sources where first_name is not null
        union all
        select {{ name_key('last_name') }}, 'last' from sources where last_name is not null
    )
    where word is not null and not contains(word, ' ')
    group by 1
),

{#- titles as they come out of cdp_name_key: 'г-н' -> 'g n', 'г-жа' -> 'g zha', 'D-na' -> 'd na' -#}
{%- set titles = 'mr|mrs|ms|miss|dr|gospodin|gospozha|g n|g zha|gn|gzha|dl|dna|d na|doamna|domnul|domn' -%}
{#- a single word shaped like a Russian, Ukrainian or Romanian surname -#}
{%- set surname_shape = '(ov|ev|in|ski|skiy|skii|sky|ova|eva|ina|skaya|aya|escu|eanu|ache|aru|iuc|uk|enko|ko)$' -%}
{#- a lone word is a surname when the named channels write it as one more often than as a first
    name, or, for a word they never use, when it is shaped like one -#}
{%- set lone_word_is_surname -%}
    coalesce(name_roles.as_last > name_roles.as_first,
             {{ regex_contains(list_element('full_name_tokens', 1), "'" ~ surname_shape ~ "'") }})
{%- endset -%}

titled as (
    select
        *,
        {{ regex_contains(name_key('full_name'), "'^(" ~ titles ~ ") '") }} as has_title,
        {{ split_to_list(
            "trim(regexp_replace(" ~ name_key('full_name') ~ ", '^((" ~ titles ~ ") )+', ''))",
            "' '"
        ) }} as full_name_tokens
    from sources
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

normalised as (
    select
        record_key,
        channel,
        entity,
        source_record_id,
        first_name,
        last_name,
        full_name,
        email,
        phone,
        birth_date,
        street,
        street2,
        city,
        postcode,
        region,
        country,
        first_seen_at,
        last_seen_at,
        handle,
        coalesce({{ name_key('first_name') }}, nullif(parsed_first_name, '')) as first_name_key,
        coalesce({{ name_key('last_name') }}, nullif(parsed_last_name, '')) as last_name_key,
        {{ email_key('email') }} as email_key,
        phone_numbers.parsed_phone_key as phone_key,
        {{ postcode_key('postcode') }} as postcode_key,
        -- one name per city: Moscow / Москва / Мск are all moskva (city_aliases seed)
        coalesce(city_aliases.canonical_key, {{ city_key('name_parts.city') }}) as city_key,
        {{ street_key("concat_ws(' ', street, street2)") }} as street_key
    from name_parts
    left join city_aliases on city_aliases.alias_key = {{ city_key('name_parts.city') }}
    left join phone_numbers
        on phone_numbers.number_text = name_parts.phone
        and coalesce(phone_numbers.number_country, '') = coalesce(name_parts.country, '')
),

with_variants as (
    select
        *,
        nullif(concat_ws(' ', first_name_key, last_name_key), '') as full_name_key,
        split_part(email_key, '@', 1) as email_user,
        {{ name_variant('first_name_key') }} as first_name_variant,
        {{ name_variant('last_name_key') }} as last_name_variant,
        -- a chat handle and a mailbox name, letters and digits only, to compare with each other
        nullif({{ regex_replace_all('lower(handle)', "'[^a-z0-9]'", "''") }}, '') as handle_key,
        nullif({{ regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z0-9]'", "''") }}, '') as mailbox_key,
        -- the mailbox's letters in name-variant form, to tell a mailbox that only spells the
        -- name ('annagulina' for Anna Gulina, whose name_concat_key is 'anagulina')
        {{ name_variant(regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z]'", "''")) }} as mailbox_name_key,
        -- the handle's letters in name-variant form, to compare with first+last or last+first name
        {{ name_variant(regex_replace_all('cdp_name_key(handle)', "' '", "''")) }} as handle_name_key
    from normalised
),

final as (
    select
        with_variants.*,
        -- nicknames and cross-language forms resolved through the first_name_aliases seed
        coalesce(first_name_aliases.canonical_variant, with_variants.first_name_variant) as first_name_canonical,
        -- the last name read as a first name, for records that swapped them ('Samina Lena')
        coalesce(last_as_first.canonical_variant, with_variants.last_name_variant) as last_name_as_first_canonical,
        -- the name's letters run together in variant form, spelled as a handle or mailbox
        -- would be ('vladimirryzhskiy' -> 'vladimiriski', as is '@vladimir.ryzhsky')
        {{ name_variant(regex_replace_all("with_variants.first_name_key || with_variants.last_name_key", "' '", "''")) }}
            as name_concat_key,
        {{ name_variant(regex_replace_all("with_variants.last_name_key || with_variants.first_name_key", "' '", "''")) }}
            as name_concat_reversed_key
    from with_variants
    left join first_name_aliases on with_variants.first_name_variant = first_name_aliases.alias_variant
    left join first_name_aliases as last_as_first
        on with_variants.last_name_variant = last_as_first.alias_variant
)

select * from final
