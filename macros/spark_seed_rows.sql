{#-
    Seeds on dbt-spark's `session` method: dbt-spark 1.11 binds seed values by pasting
    them between single quotes unescaped, so a value with an apostrophe ("children's") breaks
    the insert and an empty cell arrives as the text 'None'. This override writes each value
    as a literal itself: null for an empty cell, an apostrophe as chr(39) (the spark target
    keeps backslashes verbatim: spark.sql.parser.escapedStringLiterals).
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column_type = column_override.get(agate_table.column_names[loop.index0],
                                                              adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_seed_literal(value) }} as {{ column_type }}){{ ',' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number and value is not boolean -%}
        {{ value }}
    {%- else -%}
        {%- set parts = (value | string).split("'") -%}
        {%- if parts | length == 1 -%}
            '{{ value }}'
        {%- else -%}
            concat({% for part in parts %}'{{ part }}'{{ ', chr(39), ' if not loop.last }}{% endfor %})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
