{#-
    The one place that decides who must never be exported (erasure requests, suppression).
    Reads the table `suppression_list` in the warehouse's main schema when it exists
    (issue 5 builds it): columns identifier_type ('email' | 'phone'), identifier_hash =
    lower-hex sha256(salt || identifier), where identifier is the canonical e-mail
    (email_key) or the E.164 phone, and salt comes from a `salt` column when the table has
    one, else from var cdp_suppression_salt. A customer is suppressed when any e-mail or
    phone on any of their records hashes to a listed value. Without the table: nobody.
-#}
{%- set suppression = none -%}
{%- set salt_column = none -%}
{%- if execute -%}
    {%- set suppression = adapter.get_relation(database=target.database, schema=target.schema,
                                               identifier='suppression_list') -%}
    {%- if suppression is not none -%}
        {%- set column_names = adapter.get_columns_in_relation(suppression) | map(attribute='name')
                                | map('lower') | list -%}
        {%- if 'salt' in column_names %}{% set salt_column = 'salt' %}{% endif -%}
    {%- endif -%}
{%- endif %}

with

contact_points as (
    select distinct crosswalk.customer_id, 'email' as identifier_type, records.email_key as identifier
    from {{ ref('int_identity_records') }} as records
    inner join {{ ref('customer_crosswalk') }} as crosswalk on records.record_key = crosswalk.record_key
    where records.email_key is not null
    union
    select distinct crosswalk.customer_id, 'phone', records.phone_key
    from {{ ref('int_identity_records') }} as records
    inner join {{ ref('customer_crosswalk') }} as crosswalk on records.record_key = crosswalk.record_key
    where records.phone_key is not null
),

{% if suppression is not none %}
suppression_list as (
    select
        lower(identifier_type) as identifier_type,
        lower(identifier_hash) as identifier_hash,
        {% if salt_column %}coalesce(salt, ''){% else %}'{{ var("cdp_suppression_salt") }}'{% endif %} as salt
    from {{ suppression }}
),

salts as (
    select distinct salt from suppression_list
),

hashed as (
    select contact_points.customer_id, contact_points.identifier_type,
        {{ sha256_hex('salts.salt || contact_points.identifier') }} as identifier_hash
    from contact_points
    cross join salts
),

final as (
    select hashed.customer_id, count(*) as matched_identifiers
    from hashed
    inner join suppression_list
        on hashed.identifier_type = suppression_list.identifier_type
        and hashed.identifier_hash = suppression_list.identifier_hash
    group by 1
)
{% else %}
final as (
    select customer_id, 0::bigint as matched_identifiers
    from contact_points
    where false
)
{% endif %}

select * from final
