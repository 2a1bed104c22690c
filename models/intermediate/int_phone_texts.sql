-- Phone numbers as typed in exports that carry no country (consent events, SMS), mapped to
-- E.164: parsed directly when written internationally, else through an identity record
-- that carries the same text and knows its country.

with

texts as (
    select phone from {{ ref('stg_consent__events') }} where phone is not null
    union
    select phone from {{ ref('stg_sms__messages') }} where phone is not null
),

parsed as (
    select phone, phone_key from {{ ref('int_phone_numbers') }} where country is null
),

known as (
    select phone, min(phone_key) as phone_key
    from {{ ref('int_identity_records') }}
    where phone is not null and phone_key is not null
    group by 1
),

final as (
    select
        texts.phone,
        coalesce(parsed.phone_key, known.phone_key) as phone_key
    from texts
    left join parsed on texts.phone = parsed.phone
    left join known on texts.phone = known.phone
)

select * from final
