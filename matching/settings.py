"""Comparison and blocking settings of the identity model.

Input records come from the dbt model ``int_identity_records``; the columns used here
are its normalised columns (lower-case ASCII names and their transliteration-insensitive
variants, nickname-resolved first names, E.164 phones, canonical e-mails).
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

UNIQUE_ID = "record_key"

# Columns the model reads from the identity records.
INPUT_COLUMNS = (
    UNIQUE_ID, "first_name_key", "last_name_key", "full_name_key", "first_name_variant", "last_name_variant",
    "first_name_canonical", "birth_date", "email_key", "email_user", "phone_key", "postcode_key", "city_key",
    "street_key",
)


def _jw(column: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}"


def _name_comparison() -> cl.CustomComparison:
    """First and last name together, so swapped names, nicknames and married-name changes get their own levels."""
    fv, lv, fc = "first_name_variant", "last_name_variant", "first_name_canonical"
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="first and last name",
        comparison_levels=[
            cll.And(cll.NullLevel("first_name_key"), cll.NullLevel("last_name_key")),
            cll.ExactMatchLevel("full_name_key").configure(tf_adjustment_column="full_name_key"),
            cll.CustomLevel(f"{fv}_l = {fv}_r and {lv}_l = {lv}_r", "same names, other transliteration"),
            cll.CustomLevel(f"{fv}_l = {lv}_r and {lv}_l = {fv}_r", "first and last name swapped"),
            cll.CustomLevel(f"{fc}_l = {fc}_r and {lv}_l = {lv}_r", "same last name, nickname of first name"),
            cll.CustomLevel(f"{_jw(fv, 0.9)} and {_jw(lv, 0.9)}", "both names similar (Jaro-Winkler >= 0.9)"),
            cll.CustomLevel(
                f"{lv}_l = {lv}_r and ({_jw(fv, 0.8)} or {fv}_l is null or {fv}_r is null)",
                "same last name, first name close or missing",
            ).configure(tf_adjustment_column=lv),
            cll.CustomLevel(f"{fc}_l = {fc}_r", "same first name, last name differs").configure(
                tf_adjustment_column=fc
            ),
            cll.CustomLevel(f"{lv}_l = {lv}_r", "same last name, first name differs").configure(
                tf_adjustment_column=lv
            ),
            cll.ElseLevel(),
        ],
    )


def _birth_date_comparison() -> cl.CustomComparison:
    left, right = "birth_date_l", "birth_date_r"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(
                f"day({left}) = month({right}) and month({left}) = day({right}) and year({left}) = year({right})",
                "day and month swapped",
            ),
            cll.CustomLevel(
                f"damerau_levenshtein(strftime({left}, '%Y%m%d'), strftime({right}, '%Y%m%d')) <= 1",
                "one digit different",
            ),
            cll.CustomLevel(f"abs(date_diff('day', {left}, {right})) <= 366", "within a year"),
            cll.ElseLevel(),
        ],
    )


def _phone_comparison() -> cl.CustomComparison:
    # No term-frequency adjustment: in a dedupe a person's own records repeat their number,
    # which would make the most reliable phones look "common".
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone number (E.164)",
        comparison_levels=[
            cll.NullLevel("phone_key"),
            cll.ExactMatchLevel("phone_key"),
            cll.CustomLevel("damerau_levenshtein(phone_key_l, phone_key_r) <= 1", "one digit different"),
            cll.ElseLevel(),
        ],
    )


def _email_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="email",
        comparison_description="e-mail (canonical form)",
        comparison_levels=[
            cll.NullLevel("email_key"),
            cll.ExactMatchLevel("email_key"),
            cll.CustomLevel(
                "replace(email_user_l, '.', '') = replace(email_user_r, '.', '')", "same mailbox name, other domain"
            ),
            cll.JaroWinklerLevel("email_key", 0.9),
            cll.ElseLevel(),
        ],
    )


def _address_comparison() -> cl.CustomComparison:
    """Street, postcode and city as one comparison: they agree together for everyone in a
    household, so scoring them separately would count one shared address three times."""
    def missing(side: str) -> str:
        return f"(street_key_{side} is null and postcode_key_{side} is null and city_key_{side} is null)"

    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="street, postcode and city",
        comparison_levels=[
            {"sql_condition": f"{missing('l')} or {missing('r')}", "label_for_charts": "no address",
             "is_null_level": True},
            cll.CustomLevel(
                "street_key_l = street_key_r and (postcode_key_l = postcode_key_r or city_key_l = city_key_r)",
                "same street address",
            ),
            cll.CustomLevel(
                f"{_jw('street_key', 0.88)} and (postcode_key_l = postcode_key_r or city_key_l = city_key_r)",
                "similar street, same postcode or city",
            ),
            cll.CustomLevel("postcode_key_l = postcode_key_r", "same postcode"),
            cll.CustomLevel("city_key_l = city_key_r", "same city").configure(tf_adjustment_column="city_key"),
            cll.ElseLevel(),
        ],
    )


def settings() -> SettingsCreator:
    """The Splink settings: comparisons plus the blocking rules that generate candidate pairs.

    Blocking keeps the comparison count bounded even when many people share a name: every
    name rule pairs the name with something rarer (birth date, postcode, city), uses a
    contact point, or (rare_name_key) only applies to names few records carry.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        probability_two_random_records_match=1e-4,
        comparisons=[
            _name_comparison(),
            _birth_date_comparison(),
            _email_comparison(),
            _phone_comparison(),
            _address_comparison(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


BLOCKING_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("last_name_variant", "birth_date"),
    block_on("first_name_canonical", "birth_date"),
    "l.first_name_variant = r.last_name_variant and l.last_name_variant = r.first_name_variant",
    block_on("first_name_canonical", "last_name_variant", "postcode_key"),
    block_on("first_name_canonical", "last_name_variant", "city_key"),
    block_on("email_user"),
    block_on("rare_name_key"),
]

# Rules under which EM estimates m-probabilities; each leaves some comparisons free to learn.
TRAINING_BLOCKING_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("last_name_variant", "birth_date"),
    block_on("first_name_canonical", "last_name_variant"),
]

# Exact rules used to estimate the prior probability that two random records match.
DETERMINISTIC_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("full_name_key", "birth_date"),
]
