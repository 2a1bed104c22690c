{{ config(unique_key='order_id') }}

with

source as (

    {{ rows_to_stage(source('webshop', 'orders'), clean_text('order_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('account_id') }} as account_id,

        -- strings
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        lower({{ clean_text('status') }}) as status,
        upper({{ clean_text('currency') }}) as currency,
        {{ clean_text('shipping_street') }} as shipping_street,
        {{ clean_text('shipping_street2') }} as shipping_street2,
        {{ clean_text('shipping_city') }} as shipping_city,
        {{ clean_text('shipping_postcode') }} as shipping_postcode,
        {{ clean_text('shipping_region') }} as shipping_region,
        {{ clean_text('shipping_country') }} as shipping_country,

        -- numerics
        {{ parse_amount('total_amount') }} as total_amount,

        -- dates and timestamps
        {{ parse_timestamp('ordered_at') }} as ordered_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same order_id can arrive in several batches: keep the latest version by ordered_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'order_id', 'ordered_at') }}

),

final as (

    select * from deduplicated

)

select * from final
