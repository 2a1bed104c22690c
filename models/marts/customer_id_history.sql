-- Every customer id that stopped covering some records, and where those records went:
-- 'merged' (the old id was retired into an older one) or 'split' (part of the old
-- customer got a new id while the larger part kept the old one). Downstream systems that
-- stored an old id follow it here.

with

assignments as (
    select * from {{ matching_ref('int_customer_id_assignments') }}
),

changes as (
    select
        previous_customer_id as old_customer_id,
        customer_id as new_customer_id,
        change_reason,
        assigned_at as changed_at,
        count(*) as records_moved
    from assignments
    where change_reason in ('merged', 'split')
    group by 1, 2, 3, 4
),

final as (
    select
        old_customer_id,
        new_customer_id,
        change_reason,
        changed_at,
        records_moved,
        old_customer_id not in (
            select customer_id from {{ ref('customer_crosswalk') }}
        ) as is_old_id_retired
    from changes
)

select * from final
