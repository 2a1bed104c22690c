-- One row per source record that identifies a person, with normalised matching keys
-- beside the original values. Web browsers (anonymous ids) count when they logged in or
-- sent a form; their login links them to the account in int_identity_links. Transactions that carry their own identity (guest orders,
-- receipts where the cashier typed a phone) are identity records too; transactions that
-- point at an identity record (an order's account_id, a receipt's loyalty card) are not.
--
-- The keys come from three models, one a concern: int_identity_record_names (first and
-- last name), int_identity_record_contact_points (e-mail, phone, handle, mailbox) and
-- int_identity_record_addresses (postcode, city, street). This model adds what compares
-- names across them: name variants, first-name families and surname keys.

with

sources as (
    select * from {{ ref('int_identity_sources') }}
),

first_name_families as (
    select name_variant, family_variant from {{ ref('int_first_name_families') }}
    union all
    select name_variant, family_variant from {{ ref('int_first_name_spellings') }}
),

record_names as (
    select * from {{ ref('int_identity_record_names') }}
),

contact_points as (
    select * from {{ ref('int_identity_record_contact_points') }}
),

addresses as (
    select * from {{ ref('int_identity_record_addresses') }}
),

with_variant_texts as (
    select
        sources.record_key,
        sources.channel,
        sources.entity,
        sources.source_record_id,
        sources.first_name,
        sources.last_name,
        sources.full_name,
        sources.email,
        sources.phone,
        sources.birth_date,
        sources.street,
        sources.street2,
        sources.city,
        sources.postcode,
        sources.region,
        sources.country,
        sources.first_seen_at,
        sources.last_seen_at,
        sources.handle,
        record_names.first_name_key,
        record_names.last_name_key,
        contact_points.email_key,
        contact_points.phone_key,
        addresses.postcode_key,
        addresses.city_key,
        addresses.street_key,
        nullif(concat_ws(' ', record_names.first_name_key, record_names.last_name_key), '') as full_name_key,
        contact_points.email_user,
        contact_points.handle_key,
        contact_points.mailbox_key,
        -- letters to put in name-variant form: the mailbox's, to tell a mailbox that only spells
        -- the name ('annagulina' for Anna Gulina, whose name_concat_key is 'anagulina'); the
        -- handle's, to compare with first+last or last+first name; the name's run together, as
        -- a handle or mailbox would spell it ('vladimirryzhskiy' -> 'vladimiriski', as is
        -- '@vladimir.ryzhsky')
        contact_points.mailbox_letters,
        contact_points.handle_letters,
        {{ regex_replace_all("record_names.first_name_key || record_names.last_name_key", "' '", "''") }}
            as name_letters,
        {{ regex_replace_all("record_names.last_name_key || record_names.first_name_key", "' '", "''") }}
            as name_letters_reversed
    from sources
    left join record_names on record_names.record_key = sources.record_key
    left join contact_points on contact_points.record_key = sources.record_key
    left join addresses on addresses.record_key = sources.record_key
),

variant_texts as (
    select first_name_key as variant_text from with_variant_texts
    union
    select last_name_key from with_variant_texts
    union
    select mailbox_letters from with_variant_texts
    union
    select handle_letters from with_variant_texts
    union
    select name_letters from with_variant_texts
    union
    select name_letters_reversed from with_variant_texts
),

name_variants as {{ computed_once() }} (
    select variant_text, {{ name_variant('variant_text') }} as name_variant
    from variant_texts
    where variant_text is not null
),

keyed as (
    select
        texts.record_key,
        texts.channel,
        texts.entity,
        texts.source_record_id,
        texts.first_name,
        texts.last_name,
        texts.full_name,
        texts.email,
        texts.phone,
        texts.birth_date,
        texts.street,
        texts.street2,
        texts.city,
        texts.postcode,
        texts.region,
        texts.country,
        texts.first_seen_at,
        texts.last_seen_at,
        texts.handle,
        texts.first_name_key,
        texts.last_name_key,
        texts.email_key,
        texts.phone_key,
        texts.postcode_key,
        texts.city_key,
        texts.street_key,
        texts.full_name_key,
        texts.email_user,
        first_names.name_variant as first_name_variant,
        last_names.name_variant as last_name_variant,
        texts.handle_key,
        texts.mailbox_key,
        mailboxes.name_variant as mailbox_name_key,
        handles.name_variant as handle_name_key,
        -- nicknames, cross-language forms and misspellings resolved to their family
        coalesce(first_name_families.family_variant, first_names.name_variant) as first_name_canonical,
        -- the last name read as a first name, for records that swapped them ('Samina Lena')
        coalesce(last_as_first.family_variant, last_names.name_variant) as last_name_as_first_canonical,
        names_run_together.name_variant as name_concat_key,
        names_reversed.name_variant as name_concat_reversed_key,
        -- a first name of several words ('Maria Jose', 'John Paul') is also known by its first
        case
            when first_names.name_variant like '% %' then coalesce(
                first_word_families.family_variant,
                {{ list_element(split_to_list('first_names.name_variant', "' '"), 1) }}
            )
            else coalesce(first_name_families.family_variant, first_names.name_variant)
        end as given_word_key
    from with_variant_texts as texts
    left join name_variants as first_names on first_names.variant_text = texts.first_name_key
    left join name_variants as last_names on last_names.variant_text = texts.last_name_key
    left join name_variants as mailboxes on mailboxes.variant_text = texts.mailbox_letters
    left join name_variants as handles on handles.variant_text = texts.handle_letters
    left join name_variants as names_run_together on names_run_together.variant_text = texts.name_letters
    left join name_variants as names_reversed on names_reversed.variant_text = texts.name_letters_reversed
    left join first_name_families on first_names.name_variant = first_name_families.name_variant
    left join first_name_families as last_as_first on last_names.name_variant = last_as_first.name_variant
    left join first_name_families as first_word_families
        on first_word_families.name_variant = {{ list_element(split_to_list('first_names.name_variant', "' '"), 1) }}
),

{#- words that start a surname without being one: van der Berg, da Silva, al-Rashid, de la Cruz -#}
{%- set surname_particles = 'van|von|der|den|de|da|das|do|dos|del|della|di|du|la|le|al|el|bin|ibn|ter|ten' -%}

surnames as (
    -- a surname after its particles, an O' or Mc typed apart joined again ('o neil' -> oneil)
    select
        keyed.*,
        nullif(trim(regexp_replace(
            case
                when last_name_variant like 'o %' then 'o' || substr(last_name_variant, 3)
                when last_name_variant like 'mk %' then 'mk' || substr(last_name_variant, 4)
                else last_name_variant
            end,
            '^(({{ surname_particles }}) )+', ''
        )), '') as surname_core
    from keyed
),

surname_words as (
    select surnames.*, {{ split_to_list('surname_core', "' '") }} as surname_word_list
    from surnames
),

final as (
    select
        {{ star_except('surname_words', ['surname_core', 'surname_word_list']) }},
        -- a surname of several words is known by its first word after any particles ('garcia
        -- lopez' in one record, 'garcia' in another; 'van der berg' -> berg) and by its last
        -- ('ashford wright', 'wright'); a surname with particles also by all its words run
        -- together ('al rasid' -> alrasid, 'van den broek' -> vandenbroek, as others write
        -- them); records join on these keys (blocking) and the name comparison checks that the
        -- words agree
        {{ list_element('surname_word_list', 1) }} as surname_key,
        case
            when {{ list_length('surname_word_list') }} > 1 then {{ list_element('surname_word_list', -1) }}
            when last_name_variant like '% %' and replace(last_name_variant, ' ', '') <> surname_core
                then replace(last_name_variant, ' ', '')
        end as surname_tail_key,
        given_word_key || ' ' || {{ list_element('surname_word_list', 1) }} as short_name_key
    from surname_words
)

select * from final
