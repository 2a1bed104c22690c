"""Normalisation used for matching keys."""

import pytest

from cdp.normalize import name_key, phone_e164


@pytest.mark.parametrize(("raw", "expected"), [
    ("Евгений", "evgeniy"),
    ("ФАДЕЕВ", "fadeev"),
    ("Ștefan", "stefan"),
    ("Şt. Ţurcanu", "st turcanu"),
    ("  O'Neil-Smith ", "o neil smith"),
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
