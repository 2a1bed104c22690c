-- Current consent per contact point, channel and purpose: the latest event decides, so a
-- withdrawal beats every older grant (and a grant of the same moment). History is in
-- int_consent_events.

with

events as (
    select * from {{ ref('int_consent_events') }}
),

summary as (
    select
        contact_kind,
        contact_key,
        channel,
        purpose,
        min(occurred_at) filter (where status = 'granted') as first_granted_at,
        max(occurred_at) filter (where status = 'withdrawn') as last_withdrawn_at,
        count(*) as event_count
    from events
    group by all
),

current_state as (
    select contact_kind, contact_key, channel, purpose, status, occurred_at, recorded_in
    from events
    where is_current
),

final as (
    select
        current_state.contact_kind,
        current_state.contact_key,
        current_state.channel,
        current_state.purpose,
        current_state.status,
        current_state.status = 'granted' as is_granted,
        current_state.occurred_at as status_since,
        current_state.recorded_in,
        summary.first_granted_at,
        summary.last_withdrawn_at,
        summary.event_count
    from current_state
    inner join summary
        on current_state.contact_kind = summary.contact_kind
        and current_state.contact_key = summary.contact_key
        and current_state.channel = summary.channel
        and current_state.purpose = summary.purpose
)

select * from final
