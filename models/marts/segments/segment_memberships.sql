{#-
    Who was in which segment when. Incremental: each run compares the current members
    (int_segment_members) with the open memberships; a newcomer gets a row entered at this
    run, a member who no longer qualifies gets its row closed (exited_at). Leaving and
    coming back opens a new row. The run time is dbt's run_started_at (var
    cdp_segment_run_at overrides it). `dbt build --full-refresh` starts the history afresh.
-#}
{{ config(materialized='incremental', unique_key='membership_key', incremental_strategy='delete+insert') }}

with

current_members as (
    select segment_name, customer_id from {{ ref('int_segment_members') }}
),

this_run as (
    select cast('{{ var("cdp_segment_run_at", run_started_at.strftime("%Y-%m-%d %H:%M:%S")) }}' as timestamp) as run_at
),

{% if is_incremental() %}
open_memberships as (
    select * from {{ this }} where exited_at is null
),

exits as (
    select
        open_memberships.membership_key,
        open_memberships.segment_name,
        open_memberships.customer_id,
        open_memberships.entered_at,
        this_run.run_at as exited_at
    from open_memberships
    cross join this_run
    where not exists (
        select 1 from current_members
        where current_members.segment_name = open_memberships.segment_name
            and current_members.customer_id = open_memberships.customer_id
    )
),

newcomers as (
    select current_members.*
    from current_members
    where not exists (
        select 1 from open_memberships
        where open_memberships.segment_name = current_members.segment_name
            and open_memberships.customer_id = current_members.customer_id
    )
),
{% else %}
exits as (
    select null::varchar as membership_key, null::varchar as segment_name, null::varchar as customer_id,
        null::timestamp as entered_at, null::timestamp as exited_at
    where false
),

newcomers as (
    select * from current_members
),
{% endif %}

entries as (
    select
        newcomers.segment_name || ':' || newcomers.customer_id || ':' || strftime(this_run.run_at, '%Y%m%d%H%M%S')
            as membership_key,
        newcomers.segment_name,
        newcomers.customer_id,
        this_run.run_at as entered_at,
        null::timestamp as exited_at
    from newcomers
    cross join this_run
),

final as (
    select *, exited_at is null as is_current from entries
    union all
    select *, false from exits
)

select * from final
