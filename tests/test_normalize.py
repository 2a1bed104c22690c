"""Normalisation used for matching keys."""

import pytest

from cdp.normalize import name_key, name_variant_key, phone_e164


@pytest.mark.parametrize(("raw", "expected"), [
    ("Евгений", "evgeniy"),
    ("ФАДЕЕВ", "fadeev"),
    ("Ștefan", "stefan"),
    ("Şt. Ţurcanu", "st turcanu"),
    ("  O'Neil-Smith ", "oneil smith"),
    ("Наталья", "natalya"),
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
])
def test_name_variants_of_one_name_share_a_key(spellings):
    assert len({name_variant_key(s) for s in spellings}) == 1


def test_name_variant_key_keeps_different_names_apart():
    names = ("Ivan", "Ivana", "Ioan", "Elena", "Alena", "Sergei", "Serghei", "Sergiu")
    assert len({name_variant_key(n) for n in names}) == 7
