{{ config(unique_key='message_id') }}

with

source as (

    {{ rows_to_stage(source('sms', 'messages'), clean_text('message_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('message_id') }} as message_id,
        {{ clean_text('campaign_id') }} as campaign_id,

        -- strings
        {{ clean_text('campaign_name') }} as campaign_name,
        {{ clean_text('phone') }} as phone,

        -- dates and timestamps
        {{ parse_timestamp('sent_at') }} as sent_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same message_id can arrive in several batches: keep the latest version by sent_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'message_id', 'sent_at') }}

),

final as (

    select * from deduplicated

)

select * from final
