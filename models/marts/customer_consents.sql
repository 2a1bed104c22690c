-- Consent of each customer per channel and purpose, read on the contact point we would use
-- to reach them: the profile's e-mail for e-mail and post, its phone for sms, phone and
-- messenger. No row means no consent on record: treat as not granted.

with

golden as (
    select customer_id, attribute, value
    from {{ ref('int_customer_golden_attributes') }}
    where attribute in ('email', 'phone')
),

contact_points as (
    select customer_id, 'email' as contact_kind, {{ email_key('value') }} as contact_key
    from golden where attribute = 'email'
    union all
    select customer_id, 'phone', value
    from golden where attribute = 'phone'
),

ledger as (
    select * from {{ ref('consent_ledger') }}
),

final as (
    select
        contact_points.customer_id,
        ledger.channel,
        ledger.purpose,
        ledger.contact_kind,
        ledger.status,
        ledger.is_granted,
        ledger.status_since
    from contact_points
    inner join ledger
        on contact_points.contact_kind = ledger.contact_kind
        and contact_points.contact_key = ledger.contact_key
    where (ledger.contact_kind = 'email' and ledger.channel in ('email', 'post'))
        or (ledger.contact_kind = 'phone' and ledger.channel in ('sms', 'phone', 'messenger'))
)

select * from final
