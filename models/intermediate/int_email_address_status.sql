-- What the e-mail tool and the consent log prove about each e-mail address: whether mail
-- reaches it (a hard bounce with no delivery means it is invalid) and whether its owner
-- confirmed it (double opt-in: a grant recorded by a confirmation flow, or an open/click,
-- which only the mailbox owner can do). Survivorship uses both.

with

messages as (
    select message_id, {{ email_key('email') }} as email_key
    from {{ ref('stg_email__messages') }}
),

events as (
    select * from {{ ref('stg_email__events') }}
),

consent_events as (
    select {{ email_key('email') }} as email_key, recorded_in, status, channel
    from {{ ref('stg_consent__events') }}
),

engagement as (
    select
        messages.email_key,
        count(*) filter (where events.event_type = 'delivered') as delivered_count,
        count(*) filter (where events.event_type = 'bounced') as bounced_count,
        count(*) filter (where events.event_type in ('opened', 'clicked')) as engaged_count
    from messages
    inner join events on messages.message_id = events.message_id
    where messages.email_key is not null
    group by 1
),

confirmed_by_consent as (
    select distinct email_key
    from consent_events
    where email_key is not null
        and channel = 'email'
        and status = 'granted'
        and recorded_in in (
            {%- for source in var('cdp_double_opt_in_sources') %}'{{ source }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
),

addresses as (
    select email_key from engagement
    union
    select email_key from confirmed_by_consent
),

final as (
    select
        addresses.email_key,
        coalesce(engagement.bounced_count > 0 and engagement.delivered_count = 0, false) as is_undeliverable,
        confirmed_by_consent.email_key is not null or coalesce(engagement.engaged_count > 0, false) as is_confirmed
    from addresses
    left join engagement on addresses.email_key = engagement.email_key
    left join confirmed_by_consent on addresses.email_key = confirmed_by_consent.email_key
)

select * from final
