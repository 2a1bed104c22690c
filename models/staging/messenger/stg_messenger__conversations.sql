{{ config(unique_key='conversation_id') }}

with

source as (

    {{ rows_to_stage(source('messenger', 'conversations'), clean_text('conversation_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('conversation_id') }} as conversation_id,

        -- strings
        lower({{ clean_text('platform') }}) as platform,
        {{ clean_text('handle') }} as handle,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('display_name') }} as display_name,

        -- numerics
        try_cast(regexp_extract({{ clean_text('message_count') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as message_count,

        -- dates and timestamps
        {{ parse_timestamp('started_at') }} as started_at,
        {{ parse_timestamp('last_message_at') }} as last_message_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same conversation_id can arrive in several batches: keep the latest version by last_message_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'conversation_id', 'last_message_at') }}

),

final as (

    select * from deduplicated

)

select * from final
