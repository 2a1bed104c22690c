-- Every value any source record offers for a profile attribute, one row per
-- (customer, attribute, record), with what survivorship ranks it by: validity, double
-- opt-in confirmation (e-mail only), the analyst-configured source rank (seed
-- survivorship_rules), recency and how many of the customer's records carry the same value.

with

crosswalk as (
    select record_key, customer_id from {{ ref('customer_crosswalk') }}
),

records as (
    select * from {{ ref('int_identity_records') }}
),

crm_gender as (
    select {{ record_key('crm', 'contacts', 'contact_id') }} as record_key, upper(gender) as gender
    from {{ ref('stg_crm__contacts') }}
),

email_status as (
    select * from {{ ref('int_email_address_status') }}
),

rules as (
    select * from {{ ref('survivorship_rules') }}
),

customer_records as (
    select crosswalk.customer_id, records.*, crm_gender.gender
    from records
    inner join crosswalk on records.record_key = crosswalk.record_key
    left join crm_gender on records.record_key = crm_gender.record_key
),

offered as (
    select customer_id, record_key, channel, entity, source_record_id, last_seen_at,
        'name' as attribute,
        concat_ws(' ', first_name, last_name) as value,
        full_name_key as comparable_value,
        first_name is not null and last_name is not null
            and not {{ regex_contains('first_name || last_name', "'[0-9@_]'") }} as is_valid,
        false as is_confirmed
    from customer_records
    where first_name is not null or last_name is not null

    union all

    select customer_records.customer_id, customer_records.record_key, customer_records.channel,
        customer_records.entity, customer_records.source_record_id, customer_records.last_seen_at,
        'email', lower(trim(customer_records.email)), customer_records.email_key,
        customer_records.email_key is not null and not coalesce(email_status.is_undeliverable, false),
        coalesce(email_status.is_confirmed, false)
    from customer_records
    left join email_status on customer_records.email_key = email_status.email_key
    where customer_records.email is not null

    union all

    select customer_id, record_key, channel, entity, source_record_id, last_seen_at,
        'phone', coalesce(phone_key, phone), phone_key, phone_key is not null, false
    from customer_records
    where phone is not null

    union all

    select customer_id, record_key, channel, entity, source_record_id, last_seen_at,
        'birth_date', birth_date::string, birth_date::string,
        birth_date between date '1900-01-01' and current_date - interval 14 year, false
    from customer_records
    where birth_date is not null

    union all

    select customer_id, record_key, channel, entity, source_record_id, last_seen_at,
        'gender', gender, gender, gender in ('F', 'M'), false
    from customer_records
    where gender is not null

    union all

    select customer_id, record_key, channel, entity, source_record_id, last_seen_at,
        'address', concat_ws(', ', city, region, country), city_key || '|' || coalesce(country, ''),
        city is not null and country is not null, false
    from customer_records
    where city is not null or country is not null
),

final as (
    select
        offered.*,
        coalesce(rules.source_rank, 99) as source_rank,
        count(*) over (
            partition by offered.customer_id, offered.attribute, offered.comparable_value
        ) as value_frequency
    from offered
    left join rules
        on offered.attribute = rules.attribute
        and offered.channel = rules.channel
        and offered.entity = rules.entity
)

select * from final
