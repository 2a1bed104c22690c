{{ config(unique_key='call_id') }}

with

source as (

    {{ rows_to_stage(source('callcentre', 'calls'), clean_text('call_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('agent_id') }} as agent_id,

        -- strings
        {{ clean_text('phone') }} as phone,
        {{ clean_text('caller_name') }} as caller_name,
        lower({{ clean_text('direction') }}) as direction,
        lower({{ clean_text('outcome') }}) as outcome,
        {{ clean_text('recording_url') }} as recording_url,

        -- numerics
        try_cast(regexp_extract({{ clean_text('duration_seconds') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as duration_seconds,

        -- dates and timestamps
        {{ parse_timestamp('started_at') }} as started_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same call_id can arrive in several batches: keep the latest version by started_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'call_id', 'started_at') }}

),

final as (

    select * from deduplicated

)

select * from final
