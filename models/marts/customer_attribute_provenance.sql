-- Per customer and attribute: the surviving value and the source record that supplied it,
-- plus how contested it was. Explains every identity value in dim_customers.

select * from {{ ref('int_customer_golden_attributes') }}
