"""Audiences: the segments analysts define, and their consented export to other tools.

    segments     segments.yml -> one dbt model per segment (`cdp segments`)
    export       a segment's consented members to a file another tool imports (`cdp export`)
"""
