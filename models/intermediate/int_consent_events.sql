-- Consent history keyed by contact point: every grant and withdrawal with the e-mail
-- (canonical) or phone (E.164, through int_phone_texts) it concerns.

with

events as (
    select * from {{ ref('stg_consent__events') }}
),

phone_texts as (
    select * from {{ ref('int_phone_texts') }}
),

keyed as (
    select
        events.consent_event_id,
        case when events.email is not null then 'email' else 'phone' end as contact_kind,
        case
            when events.email is not null then {{ email_key('events.email') }}
            else phone_texts.phone_key
        end as contact_key,
        events.channel,
        events.purpose,
        events.status,
        events.occurred_at,
        events.recorded_in
    from events
    left join phone_texts on events.phone = phone_texts.phone
    where events.email is not null or events.phone is not null
),

final as (
    select
        *,
        -- withdrawal beats a grant of the same moment
        row_number() over (
            partition by contact_kind, contact_key, channel, purpose
            order by occurred_at desc nulls last, status = 'withdrawn' desc, consent_event_id desc
        ) = 1 as is_current
    from keyed
    where contact_key is not null and channel is not null and purpose is not null
        and status in ('granted', 'withdrawn')
)

select * from final
