-- Engagement, service, loyalty and messaging facts per customer, read off the timeline
-- (fct_customer_touchpoints), plus first and last seen per channel.

with

touchpoints as (
    select * from {{ ref('fct_customer_touchpoints') }}
    where customer_id is not null
),

loyalty_members as (
    select crosswalk.customer_id, members.tier, members.enrolled_at
    from {{ ref('stg_loyalty__members') }} as members
    inner join {{ ref('customer_crosswalk') }} as crosswalk
        on crosswalk.record_key = {{ record_key('loyalty', 'members', 'members.member_id') }}
),

loyalty as (
    select customer_id, max_by(tier, enrolled_at) as loyalty_tier
    from loyalty_members
    group by 1
),

per_customer as (
    select
        customer_id,
        count(*) filter (where touchpoint_type = 'email_sent') as emails_sent,
        count(*) filter (where touchpoint_type = 'email_delivered') as emails_delivered,
        count(*) filter (where touchpoint_type = 'email_opened') as emails_opened,
        count(*) filter (where touchpoint_type = 'email_clicked') as emails_clicked,
        count(*) filter (where touchpoint_type = 'email_unsubscribed') > 0 as is_email_unsubscribed,
        count(*) filter (where touchpoint_type = 'sms_sent') as sms_sent,
        count(*) filter (where touchpoint_type = 'sms_delivered') as sms_delivered,
        count(*) filter (where touchpoint_type = 'sms_clicked') as sms_clicked,
        count(*) filter (where touchpoint_type = 'sms_unsubscribed') > 0 as is_sms_unsubscribed,
        count(*) filter (where channel = 'callcentre') as call_count,
        max_by(details, occurred_at) filter (where channel = 'callcentre') as last_call_outcome,
        max(occurred_at) filter (where channel = 'callcentre') as last_call_at,
        {{ string_agg_ordered('details', "', '", distinct=true, filter="channel = 'messenger'") }}
            as messaging_platforms,
        coalesce(sum(points) filter (where channel = 'loyalty'), 0) as loyalty_points_balance,
        {% for channel in var('cdp_touchpoint_channels') %}
        min(occurred_at) filter (where channel = '{{ channel }}') as first_seen_{{ channel }}_at,
        max(occurred_at) filter (where channel = '{{ channel }}') as last_seen_{{ channel }}_at,
        {% endfor %}
        sum(interaction_count) as touchpoint_count
    from touchpoints
    group by 1
),

final as (
    select
        per_customer.*,
        round(emails_opened / nullif(emails_delivered, 0), 4) as email_open_rate,
        round(emails_clicked / nullif(emails_delivered, 0), 4) as email_click_rate,
        round(sms_clicked / nullif(sms_delivered, 0), 4) as sms_click_rate,
        loyalty.loyalty_tier
    from per_customer
    left join loyalty on per_customer.customer_id = loyalty.customer_id
)

select * from final
