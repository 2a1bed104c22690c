"""Normalisation used for matching keys."""

import pytest

from cdp.keys.normalize import country_region, name_key, name_variant_key, phone_e164


@pytest.mark.parametrize(("raw", "expected"), [
    ("Евгений", "evgeniy"),
    ("ФАДЕЕВ", "fadeev"),
    ("Ștefan", "stefan"),
    ("Şt. Ţurcanu", "st turcanu"),
    ("  O'Neil-Smith ", "oneil smith"),
    ("Наталья", "natalya"),
    ("Тимур Ц.", "timur t"),
    ("王 小明", "wang xiaoming"),
    # a messenger display name's emoji are not name words ('cherry blossom', 'heart')
    ("Anna 🌸", "anna"),
    ("🌸Anna Popescu🌸", "anna popescu"),
    ("Ivan ❤️", "ivan"),
    ("Мария 💋 Иванова", "mariya ivanova"),
    ("Ana 👍🏽", "ana"),
    ("👨\u200d👩\u200d👧 Ionescu", "ionescu"),
    ("O´Brien", "obrien"),
    ("🌸", None),
    ("", None),
    (None, None),
])
def test_name_key(raw, expected):
    assert name_key(raw) == expected


@pytest.mark.parametrize(("phone", "country", "expected"), [
    ("8 (912) 345-67-89", "RU", "+79123456789"),
    ("+7 912 345 67 89", None, "+79123456789"),
    ("89123456789", "Россия", "+79123456789"),
    ("0721 234 567", "Romania", "+40721234567"),
    ("+40-721-234-567", "RO", "+40721234567"),
    ("069 123 456", "Moldova", "+37369123456"),
    ("0721234567", None, "+40721234567"),
    ("12", "RU", None),
    ("not a phone", "RO", None),
])
def test_phone_e164(phone, country, expected):
    assert phone_e164(phone, country) == expected


@pytest.mark.parametrize(("spellings", "region"), [
    (("RU", "RUS", "Russia", "Russian Federation", "Россия"), "RU"),
    (("RO", "ROU", "Romania", "România", "Rumania"), "RO"),
    (("MD", "Moldova", "Молдова", "Republica Moldova", "Moldova, Republic of"), "MD"),
    (("GB", "UK", "United Kingdom", "England", "Great Britain"), "GB"),
])
def test_every_spelling_of_a_country_the_exports_use_picks_its_phone_region(spellings, region):
    from cdp.generate.places import COUNTRY_NAMES

    assert {country_region(s) for s in spellings} == {region}
    assert {country_region(s) for s, _ in COUNTRY_NAMES[region]} == {region}


@pytest.mark.parametrize("spellings", [
    ("Евгений", "Evgenii", "Yevgeniy", "Evghenii", "Evgeny"),
    ("Юлия", "Yulia", "Iulia", "Julia"),
    ("Александр", "Alexandr", "Aleksandr"),
    ("Наталья", "Natalia", "Natalya"),
    ("Фадеев", "Fadeyev", "FADEEV"),
    ("Щербакова", "Shcherbakova"),
    ("Ştefan", "Ștefan", "Stefan"),
    ("Corcodel", "Korkodel", "Коркодел"),
    ("Ceban", "Чебан", "Cheban"),
    ("Фёдор", "Fiodor", "Fyodor", "Fedor"),
    ("Наташа", "Natașa", "Natasha"),
    ("Гуцу", "Guțu", "Gutsu"),
    ("Müller", "Mueller", "Muller"),
    ("Jürgen", "Juergen", "Jurgen"),
    ("Schröder", "Schroeder", "Schroder"),
])
def test_name_variants_of_one_name_share_a_key(spellings):
    assert len({name_variant_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(("initial", "surnames"), [
    ("Ц.", ("Цветов", "Tsvetov", "Tzvetov")),
    ("Ж.", ("Жарин", "Zharin", "Jarin")),
    ("Ю.", ("Юдина", "Yudina", "Iudina")),
    ("Х.", ("Хохлов", "Hohlov")),
])
def test_an_initial_is_the_first_letter_of_the_surnames_it_stands_for(initial, surnames):
    """A Cyrillic initial is one letter, as the name comparison's initial levels need, and
    it is the letter the surname's variant form begins with in either alphabet."""
    assert len(name_variant_key(initial)) == 1
    assert {name_variant_key(s)[0] for s in surnames} == {name_variant_key(initial)}


def test_name_variant_key_keeps_different_names_apart():
    names = ("Ivan", "Ivana", "Ioan", "Elena", "Alena", "Sergei", "Serghei", "Sergiu")
    assert len({name_variant_key(n) for n in names}) == 7


def test_name_variant_key_skips_only_rules_that_cannot_apply():
    """Rules are skipped when the text lacks their letters; on texts built from every
    fragment the rules touch, the result must equal running every rule in order."""
    import random

    from cdp.keys.normalize import _VARIANT_RULES

    def every_rule(value: str) -> str:
        text = name_key(value)
        for pattern, replacement, _ in _VARIANT_RULES:
            text = pattern.sub(replacement, text)
        return text

    fragments = ["sh", "ch", "sch", "shch", "zh", "kh", "gh", "ph", "ck", "q", "ce", "ci", "c", "x", "w", "tz",
                 "ye", "yo", "y", "j", "ii", "i", "a", "e", "o", "u", "ue", "n", "nn", " "]
    rng = random.Random(7)
    texts = {"".join(rng.choices(fragments, k=rng.randint(1, 6))).strip() or "a" for _ in range(20_000)}
    assert [name_variant_key(t) for t in sorted(texts)] == [every_rule(t) for t in sorted(texts)]


def test_phone_parsing_spread_over_processes_gives_what_one_process_gives(monkeypatch):
    """cdp_phone_e164 splits a batch of DuckDB values across worker processes; the result
    must be the same values in the same order."""
    import duckdb

    from cdp.keys import dbt_plugin
    from cdp.keys.normalize import phone_e164

    monkeypatch.setattr(dbt_plugin.os, "cpu_count", lambda: 2)
    phones = [f"+40 72{i % 10} {i:03d} {i % 997:03d}" if i % 7 else f"8 (912) 345-{i % 100:02d}-{i % 89:02d}"
              for i in range(3000)]
    countries = ["Romania" if i % 7 else "RU" for i in range(3000)]
    with duckdb.connect() as con:
        dbt_plugin.register_functions(con)
        con.execute("create table t as select unnest($p) as phone, unnest($c) as country, unnest(range(3000)) as i",
                    {"p": phones, "c": countries})
        parsed = [row[0] for row in con.execute("select cdp_phone_e164(phone, country) from t order by i").fetchall()]
    assert parsed == [phone_e164(p, c) for p, c in zip(phones, countries, strict=True)]
    assert len(set(parsed)) > 1000
    pool = dbt_plugin._borrowed_pool
    assert pool.is_open  # the worker processes were used
    pool.close_if_idle()  # what the idle timer does
    assert not pool.is_open


def test_the_worker_pool_is_not_closed_while_in_use_and_reopens_when_needed():
    from cdp.keys import dbt_plugin

    pool = dbt_plugin._IdlePool()
    with pool as workers:
        pool.close_if_idle()  # the timer of another user firing now
        assert pool.is_open
        assert list(workers.map(abs, [-1, -2])) == [1, 2]
    pool.close_if_idle()
    assert not pool.is_open
    with pool as workers:
        assert list(workers.map(abs, [-3])) == [3]
    pool.close_if_idle()


@pytest.mark.parametrize(("country", "region"), [
    ("Deutschland", "DE"), ("Vereinigtes Königreich", "GB"), ("Royaume-Uni", "GB"), ("Estados Unidos", "US"),
    ("Schweiz", "CH"), ("Соединенное Королевство", "GB"),
])
def test_a_country_named_in_a_language_of_libphonenumber_s_geocoder_picks_its_region(country, region):
    assert country_region(country) == region


def test_a_country_nobody_knows_picks_no_region():
    assert country_region("Atlantis") is None
