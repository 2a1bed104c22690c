{#-
    Keep one row per key: the latest version when the same id arrived in several batches.
    Newest by the entity's own timestamp (if given; nulls count as oldest), then by load
    time, then by position in the file.
-#}
{% macro latest_version(relation, key, newest_by=none) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by {% if newest_by %}{{ newest_by }} desc nulls last, {% endif %}loaded_at desc, source_row_number desc
    ) = 1
{%- endmacro %}
