{% macro rfm_as_of_at(purchased_at) -%}
    {#- the moment recency is measured from: var rfm_as_of when set (reproducible runs and
        tests), else the latest purchase -#}
    {%- if var('rfm_as_of', none) -%}
        cast('{{ var("rfm_as_of") }}' as timestamp)
    {%- else -%}
        max({{ purchased_at }})
    {%- endif -%}
{%- endmacro %}
