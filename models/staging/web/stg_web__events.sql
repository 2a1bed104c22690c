{{ config(unique_key='event_id') }}

with

source as (

    {{ rows_to_stage(source('web', 'events'), clean_text('event_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('sku') }} as sku,

        -- strings
        lower({{ clean_text('event_type') }}) as event_type,
        {{ clean_text('page_url') }} as page_url,
        {{ clean_text('form_email') }} as form_email,
        {{ clean_text('form_name') }} as form_name,
        {{ clean_text('form_message') }} as form_message,

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
