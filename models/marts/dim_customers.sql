-- The single customer view: one row per customer. Each attribute comes from the most
-- trusted channel that has it (seed channel_trust), then from the most recent record;
-- city and country come from the most recent address.

with

crosswalk as (
    select * from {{ ref('customer_crosswalk') }}
),

identity_records as (
    select * from {{ ref('int_identity_records') }}
),

channel_trust as (
    select * from {{ ref('channel_trust') }}
),

purchases as (
    select * from {{ ref('fct_purchases') }}
),

customer_records as (
    select
        crosswalk.customer_id,
        crosswalk.match_confidence,
        identity_records.*,
        coalesce(channel_trust.trust_rank, 99) as trust_rank
    from crosswalk
    inner join identity_records on crosswalk.record_key = identity_records.record_key
    left join channel_trust
        on identity_records.channel = channel_trust.channel
        and identity_records.entity = channel_trust.entity
),

best_attributes as (
    select
        customer_id,
        first(first_name order by trust_rank, last_seen_at desc nulls last)
            filter (where first_name is not null and last_name is not null) as first_name,
        first(last_name order by trust_rank, last_seen_at desc nulls last)
            filter (where first_name is not null and last_name is not null) as last_name,
        first(lower(trim(email)) order by trust_rank, last_seen_at desc nulls last)
            filter (where email_key is not null) as email,
        first(phone_key order by trust_rank, last_seen_at desc nulls last)
            filter (where phone_key is not null) as phone,
        first(birth_date order by trust_rank, last_seen_at desc nulls last)
            filter (where birth_date is not null) as birth_date,
        first(city order by last_seen_at desc nulls last, trust_rank)
            filter (where city is not null) as city,
        first(country order by last_seen_at desc nulls last, trust_rank)
            filter (where country is not null) as country,
        min(first_seen_at) as first_record_at,
        max(last_seen_at) as last_record_at,
        count(*) as source_record_count,
        string_agg(distinct channel, ',' order by channel) as channels,
        count(distinct channel) as channel_count,
        min(match_confidence) as min_match_confidence,
        avg(match_confidence) as avg_match_confidence
    from customer_records
    group by 1
),

purchase_summary as (
    select
        customer_id,
        count(*) filter (where is_revenue) as order_count,
        coalesce(sum(amount) filter (where is_revenue), 0) as revenue,
        max(purchased_at) filter (where is_revenue) as last_purchase_at,
        min(purchased_at) as first_purchase_seen_at,
        max(purchased_at) as last_purchase_seen_at
    from purchases
    where customer_id is not null
    group by 1
),

final as (
    select
        best_attributes.customer_id,
        best_attributes.first_name,
        best_attributes.last_name,
        nullif(concat_ws(' ', best_attributes.first_name, best_attributes.last_name), '') as full_name,
        best_attributes.email,
        best_attributes.phone,
        best_attributes.birth_date,
        best_attributes.city,
        best_attributes.country,
        least(best_attributes.first_record_at, purchase_summary.first_purchase_seen_at) as first_seen_at,
        greatest(best_attributes.last_record_at, purchase_summary.last_purchase_seen_at) as last_seen_at,
        best_attributes.source_record_count,
        best_attributes.channels,
        best_attributes.channel_count,
        coalesce(purchase_summary.order_count, 0) as order_count,
        coalesce(purchase_summary.revenue, 0)::decimal(18, 2) as revenue,
        purchase_summary.last_purchase_at,
        round(best_attributes.min_match_confidence, 4) as min_match_confidence,
        round(best_attributes.avg_match_confidence, 4) as avg_match_confidence
    from best_attributes
    left join purchase_summary on best_attributes.customer_id = purchase_summary.customer_id
)

select * from final
