-- Each identity record's contact points as the matching model compares them: the canonical
-- e-mail (macro email_key), the phone in E.164 (int_phone_numbers: each number text parsed
-- once, the record's country choosing the region), and a chat handle and mailbox name in
-- letters and digits only, to compare with each other.

with

sources as (
    select record_key, email, phone, country, handle from {{ ref('int_identity_sources') }}
),

phone_numbers as (
    select phone as number_text, country as number_country, phone_key as parsed_phone_key
    from {{ ref('int_phone_numbers') }}
),

handle_keys as (
    select name_text, name_key from {{ ref('int_name_keys') }}
),

keyed as (
    select
        sources.record_key,
        sources.handle,
        {{ email_key('sources.email') }} as email_key,
        phone_numbers.parsed_phone_key as phone_key,
        handle_keys.name_key as handle_text_key
    from sources
    left join handle_keys on handle_keys.name_text = sources.handle
    left join phone_numbers
        on phone_numbers.number_text = sources.phone
        and coalesce(phone_numbers.number_country, '') = coalesce(sources.country, '')
),

final as (
    select
        record_key,
        email_key,
        phone_key,
        split_part(email_key, '@', 1) as email_user,
        nullif({{ regex_replace_all('lower(handle)', "'[^a-z0-9]'", "''") }}, '') as handle_key,
        nullif({{ regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z0-9]'", "''") }}, '') as mailbox_key,
        -- the letters of the mailbox and of the handle, which int_identity_records puts in
        -- name-variant form to compare with the name
        {{ regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z]'", "''") }} as mailbox_letters,
        {{ regex_replace_all('handle_text_key', "' '", "''") }} as handle_letters
    from keyed
)

select * from final
