-- Survivorship: for each customer and attribute the one value that wins, and where it
-- came from. Invalid values never win; then a double-opt-in confirmed value (e-mail),
-- then the source rank of seed survivorship_rules, then the most recent record, then the
-- value most of the customer's records agree on, then the record key (deterministic).

with

candidates as (
    select * from {{ ref('int_customer_attribute_candidates') }}
    where is_valid
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, attribute
            order by
                is_confirmed desc,
                source_rank,
                last_seen_at desc nulls last,
                value_frequency desc,
                record_key
        ) as survivorship_position,
        count(*) over (partition by customer_id, attribute) as candidate_count,
        {{ count_distinct_over('comparable_value', 'customer_id, attribute') }} as distinct_value_count
    from candidates
),

final as (
    select
        customer_id,
        attribute,
        value,
        channel as source_channel,
        entity as source_entity,
        source_record_id,
        record_key as source_record_key,
        last_seen_at as source_seen_at,
        is_confirmed,
        source_rank,
        value_frequency,
        candidate_count,
        distinct_value_count
    from ranked
    where survivorship_position = 1
)

select * from final
