with

identity_records as (
    select * from {{ ref('int_identity_records') }}
),

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

final as (
    select
        {{ customer_id('clusters.cluster_id') }} as customer_id,
        identity_records.channel,
        identity_records.entity,
        identity_records.source_record_id,
        identity_records.record_key,
        clusters.match_confidence,
        clusters.best_match_probability,
        clusters.cluster_size as customer_record_count
    from identity_records
    left join clusters on identity_records.record_key = clusters.record_key
)

select * from final
