"""Comparison and blocking settings of the identity model.

Input records come from the dbt model ``int_identity_records``; the columns used here
are its normalised ``*_key`` columns (lower-case ASCII, E.164 phones, canonical emails).
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

UNIQUE_ID = "record_key"

# Columns the model reads from the identity records.
INPUT_COLUMNS = (
    UNIQUE_ID, "first_name_key", "last_name_key", "full_name_key", "birth_date", "email_key",
    "email_user", "phone_key", "postcode_key", "city_key", "street_key",
)


def _name_comparison() -> cl.CustomComparison:
    """First and last name together, so swapped names and married-name changes get their own levels."""
    fn_l, fn_r, ln_l, ln_r = "first_name_key_l", "first_name_key_r", "last_name_key_l", "last_name_key_r"
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="first and last name",
        comparison_levels=[
            cll.And(cll.NullLevel("first_name_key"), cll.NullLevel("last_name_key")),
            cll.ExactMatchLevel("full_name_key").configure(tf_adjustment_column="full_name_key"),
            cll.CustomLevel(f"{fn_l} = {ln_r} and {ln_l} = {fn_r}", "first and last name swapped"),
            cll.CustomLevel(
                f"jaro_winkler_similarity({fn_l}, {fn_r}) >= 0.9 "
                f"and jaro_winkler_similarity({ln_l}, {ln_r}) >= 0.9",
                "both names similar (Jaro-Winkler >= 0.9)",
            ),
            cll.CustomLevel(
                f"{ln_l} = {ln_r} and (jaro_winkler_similarity({fn_l}, {fn_r}) >= 0.8 "
                f"or {fn_l} is null or {fn_r} is null)",
                "same last name, first name close or missing",
            ).configure(tf_adjustment_column="last_name_key"),
            cll.CustomLevel(f"{fn_l} = {fn_r}", "same first name, last name differs").configure(
                tf_adjustment_column="first_name_key"
            ),
            cll.CustomLevel(f"{ln_l} = {ln_r}", "same last name, first name differs").configure(
                tf_adjustment_column="last_name_key"
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
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone number (E.164)",
        comparison_levels=[
            cll.NullLevel("phone_key"),
            cll.ExactMatchLevel("phone_key").configure(tf_adjustment_column="phone_key"),
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
            cll.ExactMatchLevel("email_key").configure(tf_adjustment_column="email_key"),
            cll.ExactMatchLevel("email_user"),
            cll.JaroWinklerLevel("email_key", 0.9),
            cll.ElseLevel(),
        ],
    )


def settings() -> SettingsCreator:
    """The Splink settings: comparisons plus the blocking rules that generate candidate pairs.

    Blocking keeps the comparison count bounded even when many people share a name: every
    rule pairs a name with something rarer (birth date, postcode) or uses a contact point.
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
            cl.ExactMatch("postcode_key"),
            cl.JaroWinklerAtThresholds("city_key", [0.9]).configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("street_key", [0.92, 0.8]),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


BLOCKING_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("last_name_key", "birth_date"),
    block_on("first_name_key", "birth_date"),
    "l.first_name_key = r.last_name_key and l.last_name_key = r.first_name_key",
    block_on("first_name_key", "last_name_key", "postcode_key"),
    block_on("first_name_key", "last_name_key", "city_key"),
]

# Rules under which EM estimates m-probabilities; each leaves some comparisons free to learn.
TRAINING_BLOCKING_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("last_name_key", "birth_date"),
    block_on("first_name_key", "last_name_key"),
]

# Exact rules used to estimate the prior probability that two random records match.
DETERMINISTIC_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    block_on("full_name_key", "birth_date"),
]
