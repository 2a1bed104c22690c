{{ config(unique_key='member_id') }}

with

source as (

    {{ rows_to_stage(source('loyalty', 'members'), clean_text('member_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('member_id') }} as member_id,
        {{ clean_text('card_id') }} as card_id,

        -- strings
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('street') }} as street,
        {{ clean_text('street2') }} as street2,
        {{ clean_text('city') }} as city,
        {{ clean_text('postcode') }} as postcode,
        {{ clean_text('region') }} as region,
        {{ clean_text('country') }} as country,
        lower({{ clean_text('tier') }}) as tier,

        -- dates and timestamps
        {{ parse_date('birth_date') }} as birth_date,
        {{ parse_timestamp('enrolled_at') }} as enrolled_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same member_id can arrive in several batches: keep the latest version by load time
deduplicated as (

    {{ latest_version('renamed', 'member_id') }}

),

final as (

    select * from deduplicated

)

select * from final
