{{ config(unique_key='consent_event_id') }}

with

source as (

    {{ rows_to_stage(source('consent', 'events'), clean_text('consent_event_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('consent_event_id') }} as consent_event_id,

        -- strings
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        lower({{ clean_text('channel') }}) as channel,
        lower({{ clean_text('purpose') }}) as purpose,
        lower({{ clean_text('status') }}) as status,
        {{ clean_text('recorded_in') }} as recorded_in,

        -- dates and timestamps
        {{ parse_timestamp('occurred_at') }} as occurred_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same consent_event_id can arrive in several batches: keep the latest version by occurred_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'consent_event_id', 'occurred_at') }}

),

final as (

    select * from deduplicated

)

select * from final
