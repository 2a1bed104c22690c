-- One row per browser (anonymous_id) of the web-event export: what it tells about who
-- used it. logged_in_account_id is set only when the browser logged into exactly one
-- account; a shared computer used by two accounts links to neither. Events aged by the
-- retention policy count through their daily aggregates, so ageing changes nothing here.

with

events as (
    select
        anonymous_id, account_id, form_email, form_name, 1 as event_count,
        occurred_at as first_occurred_at, occurred_at as last_occurred_at
    from {{ ref('stg_web__events') }}
),

aged_events as (
    select
        anonymous_id, account_id, form_email, form_name, event_count,
        first_occurred_at, last_occurred_at
    from {{ ref('stg_web__events_daily') }}
),

all_events as (
    select * from events
    union all
    select * from aged_events
),

per_browser as (
    select
        anonymous_id,
        count(distinct account_id) as accounts_logged_in,
        min(account_id) as any_account_id,
        max_by(form_email, last_occurred_at) filter (where form_email is not null) as form_email,
        max_by(form_name, last_occurred_at) filter (where form_name is not null) as form_name,
        sum(event_count) as event_count,
        min(first_occurred_at) as first_seen_at,
        max(last_occurred_at) as last_seen_at
    from all_events
    group by 1
),

final as (
    select
        anonymous_id,
        case when accounts_logged_in = 1 then any_account_id end as logged_in_account_id,
        accounts_logged_in,
        form_email,
        form_name,
        event_count,
        first_seen_at,
        last_seen_at
    from per_browser
)

select * from final
