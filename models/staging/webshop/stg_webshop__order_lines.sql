{{ config(unique_key='order_line_id') }}

with

source as (

    {{ rows_to_stage(source('webshop', 'order_lines'), clean_text('order_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('order_id') }} || '-' || coalesce(
            cast(try_cast(regexp_extract({{ clean_text('line_number') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as string),
            {{ clean_text('line_number') }}
        ) as order_line_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('sku') }} as sku,

        -- strings
        {{ clean_text('product_name') }} as product_name,
        {{ clean_text('category') }} as category,
        {{ clean_text('brand') }} as brand,

        -- numerics
        try_cast(regexp_extract({{ clean_text('line_number') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as line_number,
        try_cast(regexp_extract({{ clean_text('quantity') }}, '^([+-]?\d+)(\.0*)?$', 1) as integer) as quantity,
        {{ parse_amount('unit_price') }} as unit_price,
        {{ parse_amount('line_amount') }} as line_amount,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same order_line_id can arrive in several batches: keep the latest version by load time
deduplicated as (

    {{ latest_version('renamed', 'order_line_id') }}

),

final as (

    select * from deduplicated

)

select * from final
