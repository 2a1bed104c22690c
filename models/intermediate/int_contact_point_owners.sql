-- One customer per e-mail address and phone number, so messages and consent sent to a
-- contact point land on exactly one profile: the customer whose profile shows it, else the
-- customer with most records carrying it (a household's shared phone goes to one person).

with

records as (
    select crosswalk.customer_id, records.email_key, records.phone_key
    from {{ ref('int_identity_records') }} as records
    inner join {{ ref('customer_crosswalk') }} as crosswalk on records.record_key = crosswalk.record_key
),

golden as (
    select customer_id, attribute, value from {{ ref('int_customer_golden_attributes') }}
),

holders as (
    select 'email' as contact_kind, email_key as contact_key, customer_id, count(*) as record_count
    from records where email_key is not null group by all
    union all
    select 'phone', phone_key, customer_id, count(*)
    from records where phone_key is not null group by all
),

final as (
    select
        holders.contact_kind,
        holders.contact_key,
        holders.customer_id,
        count(*) over (partition by holders.contact_kind, holders.contact_key) as holder_count
    from holders
    left join golden
        on holders.customer_id = golden.customer_id
        and holders.contact_kind = golden.attribute
        and holders.contact_key = case
            when golden.attribute = 'email' then {{ email_key('golden.value') }} else golden.value end
    qualify row_number() over (
        partition by holders.contact_kind, holders.contact_key
        order by golden.customer_id is not null desc, holders.record_count desc, holders.customer_id
    ) = 1
)

select * from final
