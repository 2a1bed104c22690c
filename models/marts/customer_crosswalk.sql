with

identity_records as (
    select * from {{ ref('int_identity_records') }}
),

clusters as (
    select * from {{ matching_ref('int_identity_clusters') }}
),

current_customer_ids as (
    select record_key, customer_id
    from {{ matching_ref('int_customer_id_assignments') }}
    qualify row_number() over (partition by record_key order by assigned_at desc) = 1
),

final as (
    select
        current_customer_ids.customer_id,
        identity_records.channel,
        identity_records.entity,
        identity_records.source_record_id,
        identity_records.record_key,
        clusters.match_confidence,
        clusters.best_match_probability,
        clusters.cluster_size as customer_record_count
    from identity_records
    left join clusters on identity_records.record_key = clusters.record_key
    left join current_customer_ids on identity_records.record_key = current_customer_ids.record_key
)

select * from final
