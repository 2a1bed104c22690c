{#- Customer id derived from a cluster's representative record key (its smallest record_key). -#}
{% macro customer_id(cluster_id) -%}
    'cus_' || left(md5({{ cluster_id }}), 16)
{%- endmacro %}
