-- One row per browser (anonymous_id) of the web-event export: what it tells about who
-- used it. logged_in_account_id is set only when the browser logged into exactly one
-- account; a shared computer used by two accounts links to neither.

with

events as (
    select * from {{ ref('stg_web__events') }}
),

per_browser as (
    select
        anonymous_id,
        count(distinct account_id) as accounts_logged_in,
        min(account_id) as any_account_id,
        max_by(form_email, occurred_at) filter (where form_email is not null) as form_email,
        max_by(form_name, occurred_at) filter (where form_name is not null) as form_name,
        count(*) as event_count,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from events
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
