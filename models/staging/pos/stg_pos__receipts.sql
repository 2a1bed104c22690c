{{ config(unique_key='receipt_id') }}

with

source as (

    {{ rows_to_stage(source('pos', 'receipts'), clean_text('receipt_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('receipt_id') }} as receipt_id,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('card_id') }} as card_id,

        -- strings
        {{ clean_text('phone') }} as phone,
        upper({{ clean_text('currency') }}) as currency,
        lower({{ clean_text('payment_method') }}) as payment_method,

        -- numerics
        {{ parse_amount('total_amount') }} as total_amount,

        -- dates and timestamps
        {{ parse_timestamp('purchased_at') }} as purchased_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same receipt_id can arrive in several batches: keep the latest version by purchased_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'receipt_id', 'purchased_at') }}

),

final as (

    select * from deduplicated

)

select * from final
