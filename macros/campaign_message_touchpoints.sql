{% macro campaign_message_touchpoints(channel, messages, events) -%}
    {#- The timeline rows of one campaign channel (email, sms): each message sent, and each of
        its events with the message's customer and campaign. `messages` is a relation with
        message_id, customer_id, sent_at and campaign_name; `events` one with event_id,
        message_id, event_type and occurred_at. Columns as fct_customer_touchpoints' union. -#}
    select '{{ channel }}:' || message_id, customer_id, '{{ channel }}', '{{ channel }}_sent', sent_at,
        null::decimal(18, 2), null, null::integer, campaign_name, 1
    from {{ messages }}
    union all
    select '{{ channel }}_event:' || events.event_id, {{ messages }}.customer_id, '{{ channel }}',
        '{{ channel }}_' || events.event_type, events.occurred_at, null, null, null, {{ messages }}.campaign_name, 1
    from {{ events }} as events
    left join {{ messages }} on events.message_id = {{ messages }}.message_id
{%- endmacro %}
