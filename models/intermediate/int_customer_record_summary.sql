-- Per customer, what its source records say as a whole: when they were first and last seen,
-- how many and from which channels, how confident their matches are, and every e-mail and
-- phone they carry. Its own table, not a CTE of dim_customers: at ten million records
-- these ordered aggregates over four million customers, held at once with the profile's
-- other joins, did not fit in dbt's DuckDB (45% of memory).

with

crosswalk as (
    select * from {{ ref('customer_crosswalk') }}
),

identity_records as (
    select record_key, first_seen_at, last_seen_at, email_key, phone_key from {{ ref('int_identity_records') }}
),

final as (
    select
        crosswalk.customer_id,
        min(identity_records.first_seen_at) as first_record_at,
        max(identity_records.last_seen_at) as last_record_at,
        count(*) as source_record_count,
        {{ string_agg_ordered('crosswalk.channel', "','", distinct=true) }} as channels,
        count(distinct crosswalk.channel) as channel_count,
        -- rounded: a float average depends on the order rows are summed in, which varies by run
        round(min(crosswalk.match_confidence), 4) as min_match_confidence,
        round(avg(crosswalk.match_confidence), 4) as avg_match_confidence,
        count(*) filter (where crosswalk.match_confidence < 0.5) as low_confidence_record_count,
        {{ string_agg_ordered('identity_records.email_key', "', '", distinct=true) }} as all_emails,
        {{ string_agg_ordered('identity_records.phone_key', "', '", distinct=true) }} as all_phones
    from crosswalk
    inner join identity_records on crosswalk.record_key = identity_records.record_key
    group by 1
)

select * from final
