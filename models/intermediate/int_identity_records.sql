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

-- a first name's family: the seed's names (int_first_name_families) and their misspellings
-- (int_first_name_spellings: 'Nikoly' is in Nikolay's family, beside Kolya)
first_name_families as (
    select name_variant, family_variant from {{ ref('int_first_name_families') }}
    union all
    select name_variant, family_variant from {{ ref('int_first_name_spellings') }}
),

city_aliases as (
    select
        {{ city_key(name_key('alias')) }} as alias_key,
        min({{ city_key(name_key('canonical')) }}) as canonical_key
    from {{ ref('city_aliases') }}
    group by 1
),

-- The Python name functions cost about a microsecond a call, and a million records repeat a
-- few hundred thousand texts some ten million times: each text goes through them once, here
-- and in name_variants, and the records join the results.
name_texts as (
    select first_name as name_text from sources
    union
    select last_name from sources
    union
    select full_name from sources
    union
    select handle from sources
    union
    select city from sources
),

name_keys as {{ computed_once() }} (
    select name_text, {{ name_key('name_text') }} as name_key
    from name_texts
    where name_text is not null
),

{#- titles as they come out of cdp_name_key: 'г-н' -> 'g n', 'г-жа' -> 'g zha', 'D-na' -> 'd na' -#}
{%- set titles = 'mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev|herr|frau|sra|srta|mme|mlle|gospodin|gospozha|g n|g zha|gn|gzha|dl|dna|d na|doamna|domnul|domn' -%}
{#- words that start a surname without being one: van der Berg, da Silva, al-Rashid, de la Cruz -#}
{%- set surname_particles = 'van|von|der|den|de|da|das|do|dos|del|della|di|du|la|le|al|el|bin|ibn|ter|ten' -%}
{#- generational and professional suffixes after a name: 'John Smith Jr.', 'Smith III', 'Jane Doe MD' -#}
{%- set name_suffixes = "'( (jr|jnr|junior|sr|snr|senior|ii|iii|iv|md|phd|dds|dvm|esq|mbe|obe|cbe|qc|kc))+$'" -%}

-- A name says who someone is in its words, not in its title or suffix: 'Dr. John Smith Jr.'
-- and 'John Smith' are one name. Suffixes go from every name text of more than one word;
-- titles from first names here ('Mrs' in a first-name field names nobody) and from
-- free-text names below, where a title also tells that a lone word is a surname.
person_name_keys as (
    select
        name_keys.name_text,
        {{ regex_replace_all('name_keys.name_key', name_suffixes, "''") }} as name_key
    from name_keys
),

{#- a word after the first shaped like a Russian patronymic: Сергеевич, Ивановна, Sergeyevich,
    Sergheevici (Moldovan spelling; Popovici the surname is kept by the name roles below) -#}
{%- set patronymic_word = "' ([a-z]+(ovich|evich|ovici|evici|ovna|evna|ichna))( |$)'" -%}

-- A patronymic ('Иван Сергеевич' in a first-name field, 'Петров Иван Сергеевич' or a polite
-- 'Анна Ивановна' told to the call centre) names the father, not the person: first names and
-- free-text names are read without it, unless the file writes that word as a surname more
-- often than as a first name (an Abramovich in the last-name fields stays a surname).
patronymics as (
    select candidates.word
    from (
        select distinct {{ regex_group('name_key', patronymic_word, 1) }} as word from person_name_keys
    ) as candidates
    left join {{ ref('int_name_roles') }} as roles on roles.word = candidates.word
    where candidates.word <> '' and not coalesce(roles.as_last > roles.as_first, false)
),

given_name_keys as (
    select
        person_name_keys.name_text,
        coalesce(
            trim(replace(' ' || person_name_keys.name_key || ' ', ' ' || patronymics.word || ' ', ' ')),
            person_name_keys.name_key
        ) as name_key
    from person_name_keys
    left join patronymics
        on patronymics.word = {{ regex_group('person_name_keys.name_key', patronymic_word, 1) }}
),

first_name_keys as (
    select
        name_text,
        nullif(trim({{ regex_replace_all('name_key', "'^((" ~ titles ~ ")( |$))+'", "''") }}), '') as name_key
    from given_name_keys
),

street_keys as (
    select street_text, {{ street_key('street_text') }} as street_key
    from (select distinct concat_ws(' ', street, street2) as street_text from sources) as street_texts
),

keyed_sources as (
    select
        sources.*,
        first_names.name_key as first_name_text_key,
        last_names.name_key as last_name_text_key,
        full_names.name_key as full_name_text_key,
        handles.name_key as handle_text_key,
        cities.name_key as city_text_key,
        street_keys.street_key as street_text_key
    from sources
    left join first_name_keys as first_names on first_names.name_text = sources.first_name
    left join person_name_keys as last_names on last_names.name_text = sources.last_name
    left join given_name_keys as full_names on full_names.name_text = sources.full_name
    left join name_keys as handles on handles.name_text = sources.handle
    left join name_keys as cities on cities.name_text = sources.city
    left join street_keys on street_keys.street_text = concat_ws(' ', sources.street, sources.street2)
),

name_roles as (
    select * from {{ ref('int_name_roles') }}
),

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
        name_parts.*,
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
        case when is_name_swapped then stated_last_name_key else stated_first_name_key end as first_name_key,
        case when is_name_swapped then stated_first_name_key else stated_last_name_key end as last_name_key,
        {{ email_key('email') }} as email_key,
        phone_numbers.parsed_phone_key as phone_key,
        {{ postcode_key('postcode') }} as postcode_key,
        -- one name per city: Moscow / Москва / Мск are all moskva (city_aliases seed)
        coalesce(city_aliases.canonical_key, {{ city_key('oriented_names.city_text_key') }}) as city_key,
        street_text_key as street_key,
        handle_text_key
    from oriented_names
    left join city_aliases on city_aliases.alias_key = {{ city_key('oriented_names.city_text_key') }}
    left join phone_numbers
        on phone_numbers.number_text = oriented_names.phone
        and coalesce(phone_numbers.number_country, '') = coalesce(oriented_names.country, '')
),

with_variant_texts as (
    select
        normalised.*,
        nullif(concat_ws(' ', first_name_key, last_name_key), '') as full_name_key,
        split_part(email_key, '@', 1) as email_user,
        -- a chat handle and a mailbox name, letters and digits only, to compare with each other
        nullif({{ regex_replace_all('lower(handle)', "'[^a-z0-9]'", "''") }}, '') as handle_key,
        nullif({{ regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z0-9]'", "''") }}, '') as mailbox_key,
        -- letters to put in name-variant form: the mailbox's, to tell a mailbox that only spells
        -- the name ('annagulina' for Anna Gulina, whose name_concat_key is 'anagulina'); the
        -- handle's, to compare with first+last or last+first name; the name's run together, as
        -- a handle or mailbox would spell it ('vladimirryzhskiy' -> 'vladimiriski', as is
        -- '@vladimir.ryzhsky')
        {{ regex_replace_all("split_part(email_key, '@', 1)", "'[^a-z]'", "''") }} as mailbox_letters,
        {{ regex_replace_all('handle_text_key', "' '", "''") }} as handle_letters,
        {{ regex_replace_all("first_name_key || last_name_key", "' '", "''") }} as name_letters,
        {{ regex_replace_all("last_name_key || first_name_key", "' '", "''") }} as name_letters_reversed
    from normalised
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
