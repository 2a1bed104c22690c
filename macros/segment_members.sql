{#- Members of one segment: customers of the segment view (dim_customers + int_segment_signals)
    meeting the analyst's condition from segments.yml. Used by every generated seg_* model. -#}
{% macro segment_members(name, condition) -%}
with

customer_view as (
    select customers.*, {{ star_except('signals', ['customer_id']) }}
    from {{ ref('dim_customers') }} as customers
    left join {{ ref('int_segment_signals') }} as signals on customers.customer_id = signals.customer_id
),

final as (
    select '{{ name }}' as segment_name, customer_id
    from customer_view
    where coalesce(({{ condition }}), false)
)

select * from final
{%- endmacro %}
