-- The single customer view: one row per customer. Identity attributes are chosen by the
-- survivorship rules (int_customer_golden_attributes, seed survivorship_rules; per
-- attribute provenance in customer_attribute_provenance); geo comes from the most recent
-- address; money is in the base currency of seed currency_rates.

with

identity_records as (
    select * from {{ ref('int_identity_records') }}
),

golden as (
    select * from {{ ref('int_customer_golden_attributes') }}
),

commerce as (
    select * from {{ ref('int_customer_commerce') }}
),

engagement as (
    select * from {{ ref('int_customer_engagement') }}
),

rfm as (
    select * from {{ ref('seg_rfm') }}
),

consents as (
    select * from {{ ref('customer_consents') }}
),

suppressed as (
    select * from {{ ref('int_suppressed_customers') }}
),

records_summary as (
    select * from {{ ref('int_customer_record_summary') }}
),

{#- the prediction models are dbt Python models, which dbt-spark runs on Databricks alone -#}
{%- set has_predictions = target.type == 'duckdb' %}
{%- if has_predictions %}

predictions as (
    select * from {{ ref('customer_predictions') }}
),
{%- endif %}

attributes as (
    select
        golden.customer_id,
        {% for attribute in ['email', 'phone', 'birth_date', 'gender'] %}
        max(golden.value) filter (where golden.attribute = '{{ attribute }}') as {{ attribute }},
        {% endfor %}
        max(name_record.first_name) filter (where golden.attribute = 'name') as first_name,
        max(name_record.last_name) filter (where golden.attribute = 'name') as last_name,
        max(address_record.city) filter (where golden.attribute = 'address') as city,
        max(address_record.region) filter (where golden.attribute = 'address') as region,
        max(address_record.country) filter (where golden.attribute = 'address') as country,
        max(golden.source_seen_at) filter (where golden.attribute = 'address') as address_seen_at
    from golden
    left join identity_records as name_record
        on golden.attribute = 'name' and golden.source_record_key = name_record.record_key
    left join identity_records as address_record
        on golden.attribute = 'address' and golden.source_record_key = address_record.record_key
    group by 1
),

{%- set consent_flags = [('email', 'marketing'), ('email', 'profiling'), ('sms', 'marketing'),
                         ('phone', 'marketing'), ('post', 'marketing'), ('messenger', 'service')] %}

consent_flags as (
    select
        customer_id,
        {% for channel, purpose in consent_flags %}
        coalesce(bool_or(is_granted) filter (where channel = '{{ channel }}' and purpose = '{{ purpose }}'), false)
            as consent_{{ channel }}_{{ purpose }},
        {% endfor %}
        bool_or(is_granted and purpose = 'marketing') as has_marketing_consent
    from consents
    group by 1
),

final as (
    select
        records_summary.customer_id,
        -- identity
        attributes.first_name,
        attributes.last_name,
        nullif(concat_ws(' ', attributes.first_name, attributes.last_name), '') as full_name,
        attributes.email,
        records_summary.all_emails,
        attributes.phone,
        records_summary.all_phones,
        attributes.birth_date::date as birth_date,
        attributes.gender,
        -- geo, from the most recent address
        attributes.city,
        attributes.region,
        attributes.country,
        attributes.address_seen_at,
        -- consent (current state on the profile's e-mail / phone)
        {% for channel, purpose in consent_flags %}
        coalesce(consent_flags.consent_{{ channel }}_{{ purpose }}, false) as consent_{{ channel }}_{{ purpose }},
        {% endfor %}
        coalesce(consent_flags.has_marketing_consent, false) as has_marketing_consent,
        suppressed.customer_id is not null as is_suppressed,
        -- commerce (base currency)
        coalesce(commerce.order_count, 0) as order_count,
        coalesce(commerce.online_order_count, 0) as online_order_count,
        coalesce(commerce.store_order_count, 0) as store_order_count,
        coalesce(commerce.revenue, 0)::decimal(18, 2) as revenue,
        commerce.average_order_value,
        commerce.online_revenue_share,
        commerce.main_currency,
        commerce.first_purchase_at,
        commerce.last_purchase_at,
        commerce.top_category,
        commerce.top_categories,
        commerce.top_brand,
        commerce.top_brands,
        -- RFM and value
        rfm.recency_days,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.rfm_cell,
        rfm.rfm_segment,
        coalesce(commerce.revenue, 0)::decimal(18, 2) as lifetime_value,
        -- predictions (customer_predictions; back-tests in prediction_backtests)
        {%- if has_predictions %}
        predictions.churn_probability,
        predictions.purchase_probability_30d,
        predictions.predicted_ltv_12m,
        predictions.next_best_category,
        predictions.next_best_category_score,
        {%- else %}
        cast(null as double) as churn_probability,
        cast(null as double) as purchase_probability_30d,
        cast(null as double) as predicted_ltv_12m,
        cast(null as string) as next_best_category,
        cast(null as double) as next_best_category_score,
        {%- endif %}
        -- loyalty
        engagement.loyalty_tier,
        coalesce(engagement.loyalty_points_balance, 0)::bigint as loyalty_points_balance,
        -- engagement
        coalesce(engagement.emails_sent, 0) as emails_sent,
        engagement.email_open_rate,
        engagement.email_click_rate,
        coalesce(engagement.is_email_unsubscribed, false) as is_email_unsubscribed,
        coalesce(engagement.sms_sent, 0) as sms_sent,
        engagement.sms_click_rate,
        coalesce(engagement.is_sms_unsubscribed, false) as is_sms_unsubscribed,
        -- service and messaging
        coalesce(engagement.call_count, 0) as call_count,
        engagement.last_call_outcome,
        engagement.last_call_at,
        engagement.messaging_platforms,
        case
            when consent_flags.consent_email_marketing and consent_flags.consent_sms_marketing
                then case when coalesce(engagement.email_click_rate, 0) >= coalesce(engagement.sms_click_rate, 0)
                    then 'email' else 'sms' end
            when consent_flags.consent_email_marketing then 'email'
            when consent_flags.consent_sms_marketing then 'sms'
            when consent_flags.consent_phone_marketing then 'phone'
            when consent_flags.consent_post_marketing then 'post'
        end as preferred_contact_channel,
        -- presence
        least(records_summary.first_record_at, commerce.first_purchase_at) as first_seen_at,
        greatest(records_summary.last_record_at, commerce.last_purchase_at) as last_seen_at,
        {% for channel in var('cdp_touchpoint_channels') %}
        engagement.first_seen_{{ channel }}_at,
        engagement.last_seen_{{ channel }}_at,
        {% endfor %}
        coalesce(engagement.touchpoint_count, 0) as touchpoint_count,
        -- records and confidence
        records_summary.source_record_count,
        records_summary.channels,
        records_summary.channel_count,
        records_summary.min_match_confidence,
        records_summary.avg_match_confidence,
        records_summary.low_confidence_record_count
    from records_summary
    left join attributes on records_summary.customer_id = attributes.customer_id
    left join commerce on records_summary.customer_id = commerce.customer_id
    left join engagement on records_summary.customer_id = engagement.customer_id
    left join rfm on records_summary.customer_id = rfm.customer_id
    left join consent_flags on records_summary.customer_id = consent_flags.customer_id
    left join suppressed on records_summary.customer_id = suppressed.customer_id
    {%- if has_predictions %}
    left join predictions on records_summary.customer_id = predictions.customer_id
    {%- endif %}
)

select * from final
