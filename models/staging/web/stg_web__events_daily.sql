-- Aged web events: the daily aggregates `cdp retention` wrote (already typed), renamed to
-- staging's conventions. A table, not incremental: it is small and retention rewrites days.
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('web', 'events_daily') }}

),

final as (

    select
        occurred_on,
        anonymous_id,
        account_id,
        event_type,
        event_count,
        first_occurred_at,
        last_occurred_at,
        form_email,
        form_name,
        aged_at
    from source

)

select * from final
