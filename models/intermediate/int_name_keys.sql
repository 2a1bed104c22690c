-- Every distinct name text of the identity records (first, last and free-text names, chat
-- handles, cities) with its keys: the text through cdp_name_key, then without a suffix,
-- without a patronymic, and without a title.
--
-- The Python name functions cost about a microsecond a call, and a million records repeat a
-- few hundred thousand texts some ten million times: each text goes through them once, here,
-- and the records join the results (int_identity_record_names, int_identity_record_addresses,
-- int_identity_record_contact_points). A table of its own, so that Spark, which inlines a
-- repeated CTE, computes it once too.

with

sources as (
    select * from {{ ref('int_identity_sources') }}
),

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

{#- titles (macro name_titles) and suffixes a name says nothing by -#}
{%- set titles = name_titles() -%}
{#- generational and professional suffixes after a name: 'John Smith Jr.', 'Smith III', 'Jane Doe MD' -#}
{%- set name_suffixes = "'( (jr|jnr|junior|sr|snr|senior|ii|iii|iv|md|phd|dds|dvm|esq|mbe|obe|cbe|qc|kc))+$'" -%}

-- A name says who someone is in its words, not in its title or suffix: 'Dr. John Smith Jr.'
-- and 'John Smith' are one name. Suffixes go from every name text of more than one word;
-- titles from first names here ('Mrs' in a first-name field names nobody) and from
-- free-text names in int_identity_record_names, where a title also tells that a lone word
-- is a surname.
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

final as (
    select
        name_keys.name_text,
        name_keys.name_key,
        person_name_keys.name_key as person_name_key,
        given_name_keys.name_key as given_name_key,
        nullif(trim({{ regex_replace_all('given_name_keys.name_key', "'^((" ~ titles ~ ")( |$))+'", "''") }}), '')
            as first_name_key
    from name_keys
    inner join person_name_keys on person_name_keys.name_text = name_keys.name_text
    inner join given_name_keys on given_name_keys.name_text = name_keys.name_text
)

select * from final
