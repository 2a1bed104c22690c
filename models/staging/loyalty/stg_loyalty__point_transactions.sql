{{ config(unique_key='transaction_id') }}

with

source as (

    {{ rows_to_stage(source('loyalty', 'point_transactions'), clean_text('transaction_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('transaction_id') }} as transaction_id,
        {{ clean_text('member_id') }} as member_id,
        {{ clean_text('card_id') }} as card_id,
        {{ clean_text('receipt_id') }} as receipt_id,

        -- strings
        lower({{ clean_text('transaction_type') }}) as transaction_type,

        -- numerics
        try_cast(regexp_extract({{ clean_text('points') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as points,

        -- dates and timestamps
        {{ parse_timestamp('occurred_at') }} as occurred_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same transaction_id can arrive in several batches: keep the latest version by occurred_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'transaction_id', 'occurred_at') }}

),

final as (

    select * from deduplicated

)

select * from final
