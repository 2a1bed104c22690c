{{ config(unique_key='event_id') }}

with

source as (

    {{ rows_to_stage(source('email', 'events'), clean_text('event_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('message_id') }} as message_id,

        -- strings
        lower({{ clean_text('event_type') }}) as event_type,
        {{ clean_text('url') }} as url,

        -- dates and timestamps
        {{ parse_timestamp('occurred_at') }} as occurred_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same event_id can arrive in several batches: keep the latest version by occurred_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'event_id', 'occurred_at') }}

),

final as (

    select * from deduplicated

)

select * from final
