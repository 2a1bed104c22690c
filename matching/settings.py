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
    "first_name_canonical", "last_name_as_first_canonical", "birth_date", "email_key", "email_user", "phone_key",
    "postcode_key", "city_key", "street_key", "handle_key", "mailbox_key", "handle_name_key", "name_concat_key",
    "name_concat_reversed_key", "mailbox_name_key", "given_word_key", "surname_key", "surname_tail_key",
    "short_name_key",
)


def _jw(column: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}"


def _initial_conflicts(initial: str, other: str) -> str:
    """SQL: one record gives only an initial and it is not the first letter of anything the
    other record's first name could be written as ('K. Miranda' / 'Julia Miranda' at one
    address; 'W.' stands for Bill through its canonical form william), nor of its last name
    (a name written last-name-first). Initials are in variant form (see cdp.keys.normalize._initial),
    where a lone C or Ч is a k and W a v: 'C.' stands for Charles, 'Ч.' for Чеслав (cheslav)."""
    def first_letter(column: str) -> str:
        return f"translate({column}_{other}[1], 'cw', 'kv')"
    letter = f"first_name_variant_{initial}"
    return (f"(length({letter}) = 1 and length(first_name_variant_{other}) > 1"
            f" and {letter} <> {first_letter('first_name_variant')}"
            f" and coalesce({letter} <> {first_letter('first_name_canonical')}, true)"
            f" and coalesce({letter} <> {first_letter('last_name_variant')}, true))")


# Both records name a first name and they are clearly different people's names (not the
# same name in another spelling, not a known nickname, not first and last swapped), or one
# gives an initial that cannot stand for the other's first name: the typical pair of
# household members who share a phone, an e-mail or an address.
FIRST_NAMES_CONFLICT = (
    "((first_name_canonical_l <> first_name_canonical_r"
    " and jaro_winkler_similarity(first_name_variant_l, first_name_variant_r) < 0.8"
    " and length(first_name_variant_l) > 1 and length(first_name_variant_r) > 1"
    " and coalesce(first_name_variant_l <> last_name_variant_r, true)"
    " and coalesce(last_name_variant_l <> first_name_variant_r, true))"
    f" or {_initial_conflicts('l', 'r')} or {_initial_conflicts('r', 'l')})"
)


# Russian surnames have a man's and a woman's form (Korolin / Korolina, Gulskiy / Gulskaya,
# in variant form gulski / gulskaia): records with the two forms are two people, most often a
# couple sharing an address or a phone. At a million records 2,702 pairs scored 0.5 or more
# carried them, 40 of one person.
SURNAMES_OF_A_MAN_AND_A_WOMAN = "(" + " or ".join(
    f"(length(last_name_variant_{man}) > 2 and (last_name_variant_{man} || 'a' = last_name_variant_{woman}"
    f" or (last_name_variant_{man} like '%ski' and left(last_name_variant_{man}, length(last_name_variant_{man}) - 1)"
    f" || 'aia' = last_name_variant_{woman})))"
    for man, woman in (("l", "r"), ("r", "l"))) + ")"

# Two people who share contact points and addresses: a family.
HOUSEHOLD_PAIR = f"({FIRST_NAMES_CONFLICT} or {SURNAMES_OF_A_MAN_AND_A_WOMAN})"


# Both records carry a surname (more than an initial): the name comparison already weighs
# them, so a handle that only spells a name tells nothing more.
BOTH_SURNAMED = "coalesce(length(last_name_variant_l) > 1 and length(last_name_variant_r) > 1, false)"


def _handle_spells_the_name_of(handle_side: str, other: str) -> str:
    """SQL: the handle of one record spells the other record's full name ('@mocanucristina'
    beside Cristina Mocanu), not just its own display name, and that name has a surname
    longer than an initial: '@elena_p' beside a chat called 'Elena P.' spells a name every
    Elena P. has, which the records' own name frequencies do not show."""
    return (f"(handle_name_key_{handle_side} in (name_concat_key_{other}, name_concat_reversed_key_{other})"
            f" and length(last_name_variant_{other}) > 1"
            f" and coalesce(handle_name_key_{handle_side} not in (name_concat_key_{handle_side},"
            f" name_concat_reversed_key_{handle_side}), true))")


def _spells_a_name(letters: str) -> str:
    """SQL: ``letters`` (a mailbox's or handle's letters in variant form) contain either
    record's surname or first name. 'rmoraru', 'neagan1959', '@popescu_marius' and
    '@lungu_cristian' are spelled from the name: at a million records two Raluca Morarus with
    'rmoraru' at two providers are common, so such a value is evidence about the name
    (weighed by the name comparison and the 'handle spells the name' level), not a shared
    account. The first name counts too because a surname is often misspelt in one record
    ('tatyanaalekseeva' beside Tatyana Alkseeva), and then only the first name shows that
    the value was spelled from a name."""
    def contains(part: str, side: str) -> str:
        return f"(length({part}_{side}) > 2 and contains({letters}, {part}_{side}))"
    parts = " or ".join(contains(part, side) for part in ("last_name_variant", "first_name_variant")
                        for side in ("l", "r"))
    return f"coalesce({parts}, false)"


# Levels of agreement between records of two people of one household (HOUSEHOLD_PAIR);
# training makes them neutral.
HOUSEHOLD_LABEL = "first names conflict or surnames of a man and a woman (household?)"


def _shared_unless_household(condition: str, label: str, tf_column: str | None = None) -> list:
    """An agreement level split in two: household members share contact points and
    addresses, so agreement between records with conflicting first names is weaker evidence.
    The first level is weighed by the rarity of the shared value (term frequencies)."""
    shared = cll.CustomLevel(f"{condition} and not coalesce({HOUSEHOLD_PAIR}, false)", label)
    if tf_column:
        shared = shared.configure(tf_adjustment_column=tf_column, disable_tf_exact_match_detection=True)
    return [
        shared,
        cll.CustomLevel(f"{condition} and coalesce({HOUSEHOLD_PAIR}, false)", f"{label}, {HOUSEHOLD_LABEL}"),
    ]


def _words_agree(column: str) -> str:
    """SQL: one record's name gives the other's words and perhaps more, or runs them together:
    'maria jose' / 'maria', 'garcia lopez' / 'garcia', 'van der berg' / 'berg', 'o neil' /
    'oneil'. The shorter must be a word of three letters or more, not an initial."""
    left, right = f"{column}_l", f"{column}_r"
    return (f"({left} = {right} or replace({left}, ' ', '') = replace({right}, ' ', '')"
            f" or (length({right}) > 2 and contains(' ' || {left} || ' ', ' ' || {right} || ' '))"
            f" or (length({left}) > 2 and contains(' ' || {right} || ' ', ' ' || {left} || ' ')))")


# Levels added after training, with the weights of a trained level of the same comparison
# (`python -m matching.train --levels-only` copies them): the generated files the model is
# trained on rarely hold such pairs, so EM could not estimate their own.
WEIGHTS_BORROWED_FROM = {
    "names agree word for word, one gives more words": "same last name, nickname of first name",
}


def _name_comparison() -> cl.CustomComparison:
    """First and last name together, so swapped names, nicknames and married-name changes get their own levels."""
    fv, lv, fc = "first_name_variant", "last_name_variant", "first_name_canonical"
    # a name agreeing in another spelling or order is as common as the name: its weight is
    # scaled by how much rarer or commoner than average the full name is (Splink divides by the
    # exact-match level's u; the more common spelling of the two records counts)
    by_name_frequency = {"tf_adjustment_column": "full_name_key"}
    cross_match = (f"({fv}_l = {lv}_r or {lv}_l = {fv}_r or {fc}_l = last_name_as_first_canonical_r"
                   f" or last_name_as_first_canonical_l = {fc}_r)")
    one_side_partial = " or ".join(
        f"{part}_{side} is null or length({part}_{side}) = 1" for side in ("l", "r") for part in (fv, lv))
    one_side_partial = f"({one_side_partial})"
    last_missing_or_initial = (f"({lv}_l is null or {lv}_r is null"
                               f" or (least(length({lv}_l), length({lv}_r)) = 1 and {lv}_l[1] = {lv}_r[1]))")
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="first and last name",
        comparison_levels=[
            cll.And(cll.NullLevel("first_name_key"), cll.NullLevel("last_name_key")),
            cll.ExactMatchLevel("full_name_key").configure(tf_adjustment_column="full_name_key"),
            cll.CustomLevel(f"{fv}_l = {fv}_r and {lv}_l = {lv}_r", "same names, other transliteration").configure(
                **by_name_frequency),
            cll.CustomLevel(f"{fv}_l = {lv}_r and {lv}_l = {fv}_r", "first and last name swapped").configure(
                **by_name_frequency),
            cll.CustomLevel(
                f"(jaro_winkler_similarity({fv}_l, {lv}_r) >= 0.88 and jaro_winkler_similarity({lv}_l, {fv}_r) >= 0.88)"
                f" or ({fc}_l = last_name_as_first_canonical_r and {lv}_l = {fv}_r)"
                f" or ({fv}_l = {lv}_r and last_name_as_first_canonical_l = {fc}_r)",
                "first and last name swapped, spelled differently or as a nickname",
            ).configure(**by_name_frequency),
            cll.CustomLevel(f"{fc}_l = {fc}_r and {lv}_l = {lv}_r", "same last name, nickname of first name").configure(
                **by_name_frequency),
            # a middle name, a second surname or a particle in one record only, or a name run
            # together: 'Maria Jose Garcia Lopez' / 'Maria Garcia', 'Pieter van der Berg' / 'Pieter Berg'
            # ... or the same letters split or ordered otherwise ('Xiaoming Li' / 'Li Xiao Ming')
            cll.CustomLevel(f"(({fc}_l = {fc}_r or {_words_agree(fv)}) and {_words_agree(lv)})"
                            " or name_concat_key_l = name_concat_key_r"
                            " or name_concat_key_l = name_concat_reversed_key_r",
                            "names agree word for word, one gives more words").configure(**by_name_frequency),
            cll.CustomLevel(f"{_jw(fv, 0.9)} and {_jw(lv, 0.9)}", "both names similar (Jaro-Winkler >= 0.9)"),
            cll.CustomLevel(
                f"{lv}_l = {lv}_r and ({_jw(fv, 0.8)} or {fv}_l is null or {fv}_r is null"
                f" or (least(length({fv}_l), length({fv}_r)) = 1 and {fv}_l[1] = {fv}_r[1]))",
                "same last name, first name close, an initial or missing",
            ).configure(tf_adjustment_column=lv),
            cll.CustomLevel(f"{_jw(fv, 0.8)} and {_jw(lv, 0.8)}", "both names roughly similar (Jaro-Winkler >= 0.8)"),
            cll.CustomLevel(
                f"{_jw(lv, 0.88)} and ({fv}_l is null or {fv}_r is null"
                f" or (least(length({fv}_l), length({fv}_r)) = 1 and {fv}_l[1] = {fv}_r[1]))",
                "similar last name, first name an initial or missing",
            ),
            cll.CustomLevel(f"{fc}_l = {fc}_r and {last_missing_or_initial}",
                            "same first name, last name missing or an initial").configure(tf_adjustment_column=fc),
            # a caller or chat display name: 'Adnrei', 'Cristi D.' against Andrei / Cristina Dragoman
            cll.CustomLevel(f"{_jw(fv, 0.85)} and {last_missing_or_initial}",
                            "first name close, last name missing or an initial"),
            # names written last-name-first ('Сергеева Александра', 'Dl. Anghel' against Vitalie Anghel)
            cll.CustomLevel(f"{cross_match} and {one_side_partial}",
                            "a name in the other position, the other part missing or an initial"),
            cll.CustomLevel(f"{fc}_l = {fc}_r", "same first name, last name differs").configure(
                tf_adjustment_column=fc
            ),
            cll.CustomLevel(f"{lv}_l = {lv}_r", "same last name, first name differs").configure(
                tf_adjustment_column=lv
            ),
            cll.CustomLevel(cross_match, "a name in the other position, the other part differs"),
            # 'Dna Fieru' against Ramona Ungurescu: one name part cannot contradict much
            cll.CustomLevel(one_side_partial, "names differ, one record gives only one part"),
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
            *_shared_unless_household("phone_key_l = phone_key_r", "same phone", tf_column="phone_key"),
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
            *_shared_unless_household("email_key_l = email_key_r", "same e-mail", tf_column="email_key"),
            # 'elena_smirnova' at two providers is often two Elena Smirnovas: weigh by rarity,
            # and not at all when the mailbox name only spells the person's name (the name
            # comparison already counts that)
            cll.CustomLevel("email_user_l = email_user_r and coalesce(mailbox_name_key_l not in "
                            "(name_concat_key_l, name_concat_reversed_key_l), true)"
                            f" and not {_spells_a_name('mailbox_name_key_l')}",
                            "same mailbox name, other domain").configure(
                tf_adjustment_column="email_user", disable_tf_exact_match_detection=True),
            cll.ElseLevel(),
        ],
    )


def _handle_comparison() -> cl.CustomComparison:
    """A messenger handle against the other record's handle, mailbox name or name
    (@ivan_petrov85 vs ivan.petrov85@mail.ru, or vs Ivan Petrov). Only messenger records
    have handles."""
    def other_side_has_nothing(handle_side: str, other: str) -> str:
        return (f"(handle_key_{handle_side} is not null and mailbox_key_{other} is null "
                f"and name_concat_key_{other} is null)")

    return cl.CustomComparison(
        output_column_name="handle",
        comparison_description="messenger handle against mailbox name and name",
        comparison_levels=[
            {"sql_condition": "(handle_key_l is null and handle_key_r is null) or (handle_key_l <> handle_key_r"
                              " and mailbox_key_l is null and mailbox_key_r is null) or "
                              + other_side_has_nothing("l", "r") + " or "
                              + other_side_has_nothing("r", "l"),
             "label_for_charts": "no handle to compare, or the names already agree", "is_null_level": True},
            # one chat account seen in two exports
            cll.CustomLevel("handle_key_l = handle_key_r", "same handle").configure(
                tf_adjustment_column="handle_key", disable_tf_exact_match_detection=True),
            # weighed by how common the mailbox name and the name are: '@popescu_andrei' spells
            # the name of every Andrei Popescu
            cll.CustomLevel("(handle_key_l = mailbox_key_r or mailbox_key_l = handle_key_r) and not "
                            + _spells_a_name("coalesce(handle_name_key_l, handle_name_key_r)"),
                            "handle equals the mailbox name").configure(
                tf_adjustment_column="mailbox_key", disable_tf_exact_match_detection=True),
            # only when the handle tells more than its own record's display name: '@andrei_popescu'
            # on a chat already named Andrei Popescu is the same evidence as the name, counted there
            cll.CustomLevel(f"({_handle_spells_the_name_of('l', 'r')} or {_handle_spells_the_name_of('r', 'l')})"
                            f" and not {BOTH_SURNAMED}",
                            "handle spells the name").configure(
                tf_adjustment_column="name_concat_key", disable_tf_exact_match_detection=True),
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
            *_shared_unless_household(
                "street_key_l = street_key_r and (postcode_key_l = postcode_key_r or city_key_l = city_key_r)",
                "same street address", tf_column="street_key",
            ),
            *_shared_unless_household(
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
            _handle_comparison(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


BLOCKING_RULES = [
    block_on("email_key"),
    block_on("phone_key"),
    # surname_key / given_word_key are the last name / first name family, or for a name of
    # several words its first (surname: after particles); surname_tail_key is a surname's
    # last word when it has more than one (see int_identity_records)
    block_on("surname_key", "birth_date"),
    "l.surname_tail_key = r.surname_key and l.birth_date = r.birth_date",
    "l.surname_key = r.surname_tail_key and l.birth_date = r.birth_date",
    block_on("given_word_key", "birth_date"),
    "l.first_name_variant = r.last_name_variant and l.last_name_variant = r.first_name_variant",
    block_on("short_name_key", "postcode_key"),
    block_on("short_name_key", "city_key"),
    block_on("email_user"),
    block_on("rare_name_key"),
    "l.rare_name_tail_key = r.rare_name_key",
    "l.rare_name_key = r.rare_name_tail_key",
    block_on("rare_initial_key"),
    block_on("rare_name_prefix_key"),
    block_on("handle_key"),
    block_on("street_key"),
    # a birth date with a postcode or a city is rare enough to block on alone: it finds the
    # same person whose name is misspelt in both parts ('Katherine Kampbel' / 'Katheine
    # Kambpel'); at a million records 11,000 and 43,000 pairs
    block_on("birth_date", "postcode_key"),
    block_on("birth_date", "city_key"),
    # a birth date or a postcode alone, where the file holds few records of it (matching.prepare)
    block_on("sparse_birth_date_key"),
    block_on("sparse_postcode_key"),
    "l.handle_key = r.mailbox_key",
    "l.mailbox_key = r.handle_key",
    "l.handle_name_key = r.name_concat_key",
    "l.name_concat_key = r.handle_name_key",
    "l.handle_name_key = r.name_concat_reversed_key",
    "l.name_concat_reversed_key = r.handle_name_key",
]

# Rules under which EM estimates m-probabilities, as the columns they block on; training
# uses those the warehouse's records can train under (matching.training_plan). A rule cannot
# train the comparisons that read its columns, and the contact and address comparisons read
# the first names (household levels), so no rule blocks on names; with every column
# populated each comparison is trained under at least two rules.
TRAINING_BLOCKING_COLUMNS = [("email_key",), ("phone_key",), ("birth_date",), ("postcode_key",)]

# Exact rules used to estimate the prior probability that two random records match, and the
# share of true matches they are assumed to find.
DETERMINISTIC_RECALL = 0.6
DETERMINISTIC_COLUMNS = [("email_key",), ("phone_key",), ("full_name_key", "birth_date")]
DETERMINISTIC_RULES = [block_on(*columns) for columns in DETERMINISTIC_COLUMNS]
