{#- Every phone text the exports carry, with the country its record names (consent events and
    SMS messages name none): what int_phone_numbers parses and keeps. -#}

{% macro phone_texts() -%}
    select phone, country from {{ ref('int_identity_sources') }} where phone is not null
    union
    select phone, null as country from {{ ref('stg_consent__events') }} where phone is not null
    union
    select phone, null as country from {{ ref('stg_sms__messages') }} where phone is not null
{%- endmacro %}
