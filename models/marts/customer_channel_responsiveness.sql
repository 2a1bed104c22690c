-- How each customer responds to each campaign channel: the basis for choosing a channel
-- per person (dim_customers.preferred_contact_channel uses the click rates).

with

messages as (
    select * from {{ ref('int_campaign_messages') }}
    where customer_id is not null
),

final as (
    select
        customer_id,
        channel,
        count(*) as messages_sent,
        count(*) filter (where is_delivered) as delivered,
        count(*) filter (where is_opened) as opened,
        count(*) filter (where is_clicked) as clicked,
        count(*) filter (where is_converted) as converted,
        bool_or(is_unsubscribed) as has_unsubscribed,
        round(count(*) filter (where is_opened) / nullif(count(*) filter (where is_delivered), 0), 4) as open_rate,
        round(count(*) filter (where is_clicked) / nullif(count(*) filter (where is_delivered), 0), 4) as click_rate,
        round(count(*) filter (where is_converted) / count(*), 4) as conversion_rate,
        max(sent_at) filter (where is_opened or is_clicked) as last_engaged_message_at
    from messages
    group by customer_id, channel
)

select * from final
