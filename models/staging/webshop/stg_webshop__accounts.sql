{{ config(unique_key='account_id') }}

with

source as (

    {{ rows_to_stage(source('webshop', 'accounts'), clean_text('account_id')) }}

),

renamed as (

    select
        -- ids
        {{ clean_text('account_id') }} as account_id,

        -- strings
        {{ clean_text('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('street') }} as street,
        {{ clean_text('street2') }} as street2,
        {{ clean_text('city') }} as city,
        {{ clean_text('postcode') }} as postcode,
        {{ clean_text('region') }} as region,
        {{ clean_text('country') }} as country,

        -- dates and timestamps
        {{ parse_date('birth_date') }} as birth_date,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('last_login_at') }} as last_login_at,

        -- metadata
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at

    from source

),

-- the same account_id can arrive in several batches: keep the latest version by last_login_at, then by load time
deduplicated as (

    {{ latest_version('renamed', 'account_id', 'last_login_at') }}

),

final as (

    select * from deduplicated

)

select * from final
