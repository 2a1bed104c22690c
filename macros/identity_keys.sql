{#- Normalised matching keys. Originals are never overwritten: these build extra columns. -#}

{% macro record_key(channel, entity, id_column) -%}
    '{{ channel }}:{{ entity }}:' || {{ id_column }}
{%- endmacro %}

{% macro name_key(expr) -%}
    {#- lower-case ASCII (transliterated, accents stripped) via the cdp.keys.dbt_plugin UDF -#}
    cdp_name_key({{ expr }})
{%- endmacro %}

{% macro name_variant(expr) -%}
    {#- name key with transliteration-system spellings collapsed (Evgenii/Yevgeniy -> evgeni) -#}
    cdp_name_variant({{ expr }})
{%- endmacro %}

{% macro phone_key(phone, country) -%}
    {#- E.164 via libphonenumber, the record's country choosing the region for national formats -#}
    cdp_phone_e164({{ phone }}, {{ country }})
{%- endmacro %}

{% macro email_key(expr) -%}
    {#- canonical e-mail: lower case, no +tag, no dots in the local part where the provider ignores them;
        null when the value is not shaped like an address -#}
    {%- set e -%} lower(trim({{ expr }})) {%- endset -%}
    {%- set local_part -%} split_part(split_part({{ e }}, '@', 1), '+', 1) {%- endset -%}
    {%- set domain -%} replace(split_part({{ e }}, '@', 2), 'googlemail.com', 'gmail.com') {%- endset -%}
    {%- set address_shape -%} '[^@\s]+@[^@\s]+\.[a-z]{2,}' {%- endset -%}
    case
        when not {{ regex_full_match(e, address_shape) }} then null
        when {{ domain }} = 'gmail.com' then replace({{ local_part }}, '.', '') || '@gmail.com'
        else {{ local_part }} || '@' || {{ domain }}
    end
{%- endmacro %}

{% macro postcode_key(expr) -%}
    nullif({{ regex_replace_all('upper(' ~ expr ~ ')', "'[^0-9A-Z]'", "''") }}, '')
{%- endmacro %}

{% macro city_key(name_key_expr) -%}
    {#- a city's name key (see name_key) without settlement prefixes such as 'g.' (город), 'mun.', 'or.' -#}
    nullif(trim(regexp_replace({{ name_key_expr }}, '^(g|gorod|mun|municipiul|or|oras|s|sat|com|comuna) ', '')), '')
{%- endmacro %}

{% macro street_key(expr) -%}
    {#- drops street-type and unit words (ul., str., bd., d., kv., nr., ap.; Road / Rd, Flat;
        Strasse, Rue, Calle, Via) and keeps names and numbers: one address is written with
        the type spelt out in one export and abbreviated or left out in another -#}
    {%- set unit_words -%}
        '\b(ul|ulitsa|ulica|str|strada|bd|bld|bulevardul|blvd|pr|pr t|prt|prospekt|prospect|pereulok|per|shosse|sh|sos|soseaua|calea|aleea|al|pl|ploshchad|piata|nab|naberezhnaya|d|dom|kv|kvartira|ap|apt|bl|bloc|sc|scara|et|etaj|nr|numarul|road|rd|street|st|lane|ln|avenue|ave|av|close|drive|dr|crescent|cres|gardens|gdns|place|court|ct|terrace|grove|square|sq|boulevard|flat|apartment|unit|suite|strasse|weg|platz|allee|gasse|rue|chemin|impasse|calle|avenida|avda|plaza|paseo|via|viale|piazza|corso)\b'
    {%- endset -%}
    {%- set spaces -%} '\s+' {%- endset -%}
    nullif(trim({{ regex_replace_all(
        regex_replace_all('cdp_text_key(' ~ expr ~ ')', unit_words, "' '"),
        spaces, "' '") }}), '')
{%- endmacro %}

{% macro name_titles() -%}
    {#- titles as they come out of cdp_name_key ('г-н' -> 'g n', 'г-жа' -> 'g zha', 'D-na' -> 'd na'),
        as a regex alternation: int_name_keys strips them from first names,
        int_identity_record_names from free-text names -#}
    mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev|herr|frau|sra|srta|mme|mlle|gospodin|gospozha|g n|g zha|gn|gzha|dl|dna|d na|doamna|domnul|domn
{%- endmacro %}
