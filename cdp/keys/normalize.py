"""Normalisation of identifying values with well-kept libraries.

These functions are registered as DuckDB functions for dbt (see ``cdp.keys.dbt_plugin``) so
the intermediate models can put normalised columns beside the original ones. They are
pure and cached: exports repeat the same names and phone numbers many times.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from anyascii import anyascii

_APOSTROPHES = re.compile(r"['`\u2019\u02b9\u02bc]")  # also anyascii's rendering of ь and ъ
_NOT_LETTER = re.compile(r"[^a-z ]+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")

# Country as written in exports (ISO code, English or native name) -> phone region: these,
# then libphonenumber's own country names (see _library_country_names).
_COUNTRY_REGIONS = {
    "ru": "RU", "rus": "RU", "russia": "RU", "russian federation": "RU", "rossiya": "RU",
    "rossiia": "RU", "rossija": "RU",
    "ro": "RO", "rou": "RO", "romania": "RO", "rumania": "RO", "rumyniya": "RO",
    "md": "MD", "mda": "MD", "moldova": "MD", "republic of moldova": "MD", "moldova republic of": "MD",
    "republica moldova": "MD",
    "ua": "UA", "ukraine": "UA", "by": "BY", "belarus": "BY", "kz": "KZ", "kazakhstan": "KZ",
    "de": "DE", "germany": "DE", "deutschland": "DE", "gb": "GB", "uk": "GB", "united kingdom": "GB",
    "fr": "FR", "france": "FR", "it": "IT", "italy": "IT", "es": "ES", "spain": "ES",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "great britain": "GB",
    "britain": "GB", "usa": "US", "united states of america": "US", "america": "US",
}


@lru_cache(maxsize=1)
def _library_country_names() -> dict[str, str]:
    """Name key -> region for every country name libphonenumber's geocoder knows, in each of
    its languages ('United Kingdom', 'Vereinigtes Königreich', 'Royaume-Uni', 'Россия'):
    exports name countries in many ways, and a hand-written list only knows the markets it
    was written for."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for region, by_language in sorted(LOCALE_DATA.items()):
        for display in by_language.values():
            key = name_key(display) if not display.startswith("*") else None
            if key:
                names.setdefault(key, region)
    return names


# A letter with no letter beside it: an initial ('Тимур Ц.', 'Ж. Петрова').
_LONE_LETTER = re.compile(r"(?<![^\W\d_])[^\W\d_](?![^\W\d_])")


@lru_cache(maxsize=262_144)
def name_key(value: str | None) -> str | None:
    """Lower-case ASCII form of a name: transliterated, accents stripped, punctuation to spaces.

    'Евгений' -> 'evgeniy', 'Наталья' -> 'natalya', 'Ștefan' -> 'stefan', "O'Neil-Smith" -> 'oneil smith'.
    An initial stays one letter: 'Тимур Ц.' -> 'timur t' (see _initial). Emoji and other
    symbols are not part of a name: 'Anna 🌸' -> 'anna' (see _without_symbols).
    """
    if value is None:
        return None
    return _ascii_words(_LONE_LETTER.sub(_initial, _without_symbols(value)), _NOT_LETTER)


# Symbols (emoji, dingbats, currency and maths signs, private-use characters) and emoji skin
# tones become spaces; format characters (zero-width joiners, soft hyphens) vanish.
_SYMBOL_CATEGORIES = frozenset(("So", "Sm", "Sc", "Co", "Cs"))
_SKIN_TONES = ("\U0001F3FB", "\U0001F3FF")


def _without_symbols(value: str) -> str:
    """A display name as people type it in a messenger ('Anna 🌸', 'Ivan ❤️'): transliterated
    letter for letter, its emoji would become words ('anna cherry blossom'), a surname to the
    matcher. ASCII text holds none (its signs are dropped later with the punctuation)."""
    if value.isascii():
        return value
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category in _SYMBOL_CATEGORIES or _SKIN_TONES[0] <= char <= _SKIN_TONES[1] else char)
    return "".join(kept)


def _initial(lone_letter: re.Match) -> str:
    """An initial as one ASCII letter, the first of its name-variant form, so that it
    compares as an initial with the names it may stand for: 'Ц' is 'ts' letter for letter
    but 't' as in tsvetov, 'Ж' is 'j' as in Жарин -> jarin, 'Ю' is 'i' as in Юлия -> iulia.
    A letter of a script without case (a Chinese one-syllable surname) is a whole name and
    is left alone. 'Ч' ends up as 'k' in variant form (a lone 'c' is read as a Latin 'C.',
    more often Constantin or Cristina), so it does not agree with Чебан's 'cheban'."""
    letter = lone_letter.group()
    ascii_letters = _ascii_words(letter, _NOT_LETTER)
    if letter.lower() == letter.upper() or ascii_letters is None or len(ascii_letters) == 1:
        return letter
    return name_variant_key(ascii_letters)[0]


def _ascii_words(value: str | None, not_allowed: re.Pattern) -> str | None:
    """Transliterate to lower-case ASCII, drop apostrophes, turn other disallowed characters
    into single spaces; None for nothing left."""
    if value is None:
        return None
    text = _SPACES.sub(" ", not_allowed.sub(" ", _APOSTROPHES.sub("", anyascii(value).lower()))).strip()
    return text or None


# Spelling differences between transliteration systems (and Romanian/Russian spellings of the
# same name) collapsed to one form: Evgeniy/Evgenii/Yevgeny/Evghenii -> evgeni,
# Yulia/Iulia/Julia -> iulia, Aleksandr/Alexandr -> aleksandr, Fadeyev/Fadeev -> fadeev.
# Each rule comes with letters that any text it changes contains, so that a rule that
# cannot apply is skipped: at a million records the identity records call this 3 million
# times, mostly on new values, and most names hold few of these letters.
_VARIANT_RULES = (
    (re.compile(r"shch|sch"), "sh", ("ch",)),
    (re.compile(r"zh"), "j", ("zh",)),
    (re.compile(r"kh"), "h", ("kh",)),
    (re.compile(r"gh"), "g", ("gh",)),
    (re.compile(r"ph"), "f", ("ph",)),
    (re.compile(r"ck|q"), "k", ("ck", "q")),
    (re.compile(r"c(?=[ei])"), "ch", ("c",)),  # Romanian ce/ci sound as Russian че/чи (Ceban / Чебан)
    (re.compile(r"c(?!h)"), "k", ("c",)),  # Corcodel / Korkodel, Victor / Viktor
    (re.compile(r"x"), "ks", ("x",)),
    (re.compile(r"w"), "v", ("w",)),
    (re.compile(r"tz"), "ts", ("tz",)),
    (re.compile(r"ye|yo"), "e", ("y",)),
    (re.compile(r"[yj]"), "i", ("y", "j")),
    # German umlauts typed without them: Müller / Mueller / Muller, Jürgen / Juergen,
    # Schröder / Schroeder (anyascii reads ü as u); not at the start of a word
    (re.compile(r"(?<=[a-z])([aou])e"), r"\1", ("ae", "oe", "ue")),
    # Moldovan spelling of Russian names: ё as io, ш as ș, ц as ț (Fiodor / Fyodor,
    # Natașa / Natasha, Guțu / Гуцу)
    (re.compile(r"(?<=[bdfgklmnprstvz])io(?=[bdfgklmnprstvz])"), "e", ("io",)),
    (re.compile(r"sch|sh"), "s", ("sh", "sch")),
    (re.compile(r"ts"), "t", ("ts",)),
    (re.compile(r"i+(?= |$)"), "i", ("ii",)),  # a single i is replaced by itself
    (re.compile(r"(.)\1+"), r"\1", ("",)),
)


@lru_cache(maxsize=262_144)
def name_variant_key(value: str | None) -> str | None:
    """``name_key`` with transliteration-system differences collapsed (see _VARIANT_RULES)."""
    text = name_key(value)
    if text is None:
        return None
    for pattern, replacement, needs in _VARIANT_RULES:
        for letters in needs:
            if letters in text:
                text = pattern.sub(replacement, text)
                break
    return text


@lru_cache(maxsize=262_144)
def text_key(value: str | None) -> str | None:
    """Like ``name_key`` but keeps digits: for streets, house numbers and postcodes."""
    return _ascii_words(value, _NOT_LETTER_OR_DIGIT)


@lru_cache(maxsize=16_384)
def country_region(country: str | None) -> str | None:
    """Two-letter phone region for a country as written in an export, or None if unknown."""
    if not country:
        return None
    key = name_key(country)
    if key is None:
        return None
    if key in _COUNTRY_REGIONS:
        return _COUNTRY_REGIONS[key]
    if len(key) == 2 and key.upper() in phonenumbers.SUPPORTED_REGIONS:
        return key.upper()
    return _library_country_names().get(key)


# Typing punctuation phonenumbers ignores: '8 (495) 520-00-65' and '84955200065' parse alike.
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]+")
_PLAIN_PHONE = re.compile(r"\+?\d+")


def phone_e164(phone: str | None, country: str | None = None, fallback_region: str | None = None) -> str | None:
    """E.164 form of a phone number, or None when it is not a valid number.

    The record's country picks the region used for national formats ('8 912 ...' in
    Russia, '0721 ...' in Romania); numbers written with '+' need no region. When the
    record has no country, ``fallback_region`` is tried, then a small list of the
    regions our exports come from, taking the first that yields a valid number.

    Parsing costs about 50 µs, and a million records hold over half a million phone
    texts, so the cache is keyed by the digits (and a leading '+') when the text holds
    nothing else: the same number typed with other spaces or brackets is parsed once.
    """
    if not phone or not phone.strip():
        return None
    compact = _PHONE_PUNCTUATION.sub("", phone.strip())
    return _phone_e164(compact if _PLAIN_PHONE.fullmatch(compact) else phone, country_region(country),
                       fallback_region)


def phone_e164_many(pairs: list[tuple[str | None, str | None]]) -> list[str | None]:
    """phone_e164 of many (phone, country) pairs: one call per batch, for worker processes."""
    return [phone_e164(phone, country) for phone, country in pairs]


@lru_cache(maxsize=1 << 21)
def _phone_e164(phone: str, region: str | None, fallback_region: str | None) -> str | None:
    seen = set()
    for candidate in (region, fallback_region, None, "RU", "RO", "MD"):
        if candidate in seen:
            continue
        seen.add(candidate)
        try:
            parsed = phonenumbers.parse(phone, candidate)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None
