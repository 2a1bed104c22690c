{#- The raw rows a staging model reads. A full build reads them all. An incremental build
    (staging is incremental on DuckDB) reads every row, from any batch, of the records that
    load batches not yet staged touch, so the latest version of each such record is chosen
    among all its versions and replaces the staged one (delete+insert on the unique key).
    `touch_key` is the record's key as the staging model cleans it, over raw columns. -#}

{% macro rows_to_stage(relation, touch_key) -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    where {{ touch_key }} in (
        select {{ touch_key }} from {{ relation }}
        where _batch_id not in (select distinct batch_id from {{ this }})
    )
    {%- endif %}
{%- endmacro %}
