"""Cities, streets, postcodes, country spellings and phone numbers for RU / RO / MD
(and GB, see cdp.generate.gb)."""

from __future__ import annotations

import random

from . import gb
from .names import Zipf

# The default population; GB is drawn only when asked for (``--countries GB``).
COUNTRIES = ("RU", "RO", "MD")
COUNTRY_WEIGHTS = {"RU": 0.5, "RO": 0.3, "MD": 0.2, "GB": 1.0}
CURRENCY = {"RU": "RUB", "RO": "RON", "MD": "MDL", "GB": "GBP"}
# price multiplier relative to the catalogue's base price (roughly EUR)
PRICE_FACTOR = {"RU": 100.0, "RO": 5.0, "MD": 20.0, "GB": 0.9}

COUNTRY_NAMES = {
    "RU": (("RU", 0.4), ("Russia", 0.25), ("Россия", 0.2), ("Russian Federation", 0.1), ("RUS", 0.05)),
    "RO": (("RO", 0.45), ("Romania", 0.3), ("România", 0.15), ("ROU", 0.05), ("Rumania", 0.05)),
    "MD": (("MD", 0.4), ("Moldova", 0.3), ("Republica Moldova", 0.15), ("Молдова", 0.1),
           ("Moldova, Republic of", 0.05)),
    "GB": gb.COUNTRY_NAMES,
}

# (local name, alternative spellings, region local, region alternative, postcode prefix, store code)
City = tuple[str, tuple[str, ...], str, str, str, str]

RU_CITIES: tuple[City, ...] = (
    ("Москва", ("Moscow", "Moskva", "MOSCOW"), "Москва", "Moscow", "1", "MOW"),
    ("Санкт-Петербург", ("Saint Petersburg", "St. Petersburg", "СПб", "Sankt-Peterburg"),
     "Санкт-Петербург", "St. Petersburg", "19", "LED"),
    ("Новосибирск", ("Novosibirsk",), "Новосибирская обл.", "Novosibirsk Oblast", "630", "OVB"),
    ("Екатеринбург", ("Yekaterinburg", "Ekaterinburg", "Екб"), "Свердловская обл.", "Sverdlovsk Oblast",
     "620", "SVX"),
    ("Казань", ("Kazan",), "Республика Татарстан", "Tatarstan", "420", "KZN"),
    ("Нижний Новгород", ("Nizhny Novgorod", "Nizhniy Novgorod", "Н. Новгород"), "Нижегородская обл.",
     "Nizhny Novgorod Oblast", "603", "GOJ"),
    ("Челябинск", ("Chelyabinsk",), "Челябинская обл.", "Chelyabinsk Oblast", "454", "CEK"),
    ("Самара", ("Samara",), "Самарская обл.", "Samara Oblast", "443", "KUF"),
    ("Омск", ("Omsk",), "Омская обл.", "Omsk Oblast", "644", "OMS"),
    ("Ростов-на-Дону", ("Rostov-on-Don", "Rostov-na-Donu", "Ростов"), "Ростовская обл.", "Rostov Oblast",
     "344", "ROV"),
    ("Уфа", ("Ufa",), "Республика Башкортостан", "Bashkortostan", "450", "UFA"),
    ("Красноярск", ("Krasnoyarsk",), "Красноярский край", "Krasnoyarsk Krai", "660", "KJA"),
    ("Воронеж", ("Voronezh",), "Воронежская обл.", "Voronezh Oblast", "394", "VOZ"),
    ("Пермь", ("Perm",), "Пермский край", "Perm Krai", "614", "PEE"),
    ("Волгоград", ("Volgograd",), "Волгоградская обл.", "Volgograd Oblast", "400", "VOG"),
    ("Краснодар", ("Krasnodar",), "Краснодарский край", "Krasnodar Krai", "350", "KRR"),
    ("Тюмень", ("Tyumen",), "Тюменская обл.", "Tyumen Oblast", "625", "TJM"),
    ("Иркутск", ("Irkutsk",), "Иркутская обл.", "Irkutsk Oblast", "664", "IKT"),
    ("Ярославль", ("Yaroslavl",), "Ярославская обл.", "Yaroslavl Oblast", "150", "IAR"),
    ("Тула", ("Tula",), "Тульская обл.", "Tula Oblast", "300", "TYA"),
)

RO_CITIES: tuple[City, ...] = (
    ("București", ("Bucharest", "Bucuresti", "Mun. București", "Sector 3"), "București",
     "Municipiul București", "0", "BUC"),
    ("Cluj-Napoca", ("Cluj", "Cluj Napoca"), "Cluj", "jud. Cluj", "400", "CLJ"),
    ("Timișoara", ("Timisoara",), "Timiș", "jud. Timiș", "300", "TSR"),
    ("Iași", ("Iasi",), "Iași", "jud. Iași", "700", "IAS"),
    ("Constanța", ("Constanta",), "Constanța", "jud. Constanța", "900", "CND"),
    ("Craiova", (), "Dolj", "jud. Dolj", "200", "CRA"),
    ("Brașov", ("Brasov",), "Brașov", "jud. Brașov", "500", "BRV"),
    ("Galați", ("Galati",), "Galați", "jud. Galați", "800", "GLT"),
    ("Ploiești", ("Ploiesti",), "Prahova", "jud. Prahova", "100", "PLO"),
    ("Oradea", (), "Bihor", "jud. Bihor", "410", "OMR"),
    ("Sibiu", (), "Sibiu", "jud. Sibiu", "550", "SBZ"),
    ("Bacău", ("Bacau",), "Bacău", "jud. Bacău", "600", "BCM"),
    ("Suceava", (), "Suceava", "jud. Suceava", "720", "SCV"),
    ("Pitești", ("Pitesti",), "Argeș", "jud. Argeș", "110", "PIT"),
)

MD_CITIES: tuple[City, ...] = (
    ("Chișinău", ("Chisinau", "Кишинёв", "Кишинев", "Kishinev", "mun. Chișinău"), "mun. Chișinău", "Chisinau",
     "20", "KIV"),
    ("Bălți", ("Balti", "Бельцы", "Beltsy"), "mun. Bălți", "Balti", "31", "BZY"),
    ("Tiraspol", ("Тирасполь",), "Transnistria", "UTA Stînga Nistrului", "33", "TIR"),
    ("Cahul", ("Кагул",), "r-nul Cahul", "Cahul", "39", "CAH"),
    ("Ungheni", ("Унгены",), "r-nul Ungheni", "Ungheni", "36", "UNG"),
    ("Orhei", ("Оргеев",), "r-nul Orhei", "Orhei", "35", "ORH"),
    ("Comrat", ("Комрат",), "UTA Găgăuzia", "Gagauzia", "38", "COM"),
    ("Soroca", ("Сороки",), "r-nul Soroca", "Soroca", "30", "SOR"),
    ("Ialoveni", (), "r-nul Ialoveni", "Ialoveni", "68", "IAL"),
)

CITY_PICKERS = {"RU": Zipf(RU_CITIES, 1.1), "RO": Zipf(RO_CITIES, 1.0), "MD": Zipf(MD_CITIES, 1.2),
                "GB": Zipf(gb.CITIES, 1.0)}

# Russian streets: (type, name); rendered as "ул. Ленина" / "улица Ленина" / "ul. Lenina"
RU_STREET_TYPES = (("ул.", "улица", "ul.", "ulitsa"), ("пр-т", "проспект", "pr.", "prospekt"),
                   ("пер.", "переулок", "per.", "pereulok"), ("б-р", "бульвар", "bul.", "bulvar"),
                   ("ш.", "шоссе", "sh.", "shosse"))
RU_STREETS = Zipf((
    "Ленина", "Мира", "Советская", "Гагарина", "Пушкина", "Молодёжная", "Садовая", "Лесная", "Школьная",
    "Центральная", "Октябрьская", "Победы", "Кирова", "Комсомольская", "Новая", "Строителей", "Зелёная",
    "Набережная", "Первомайская", "Лермонтова", "Чехова", "Горького", "Маяковского", "Профсоюзная",
    "Карла Маркса", "Фрунзе", "Свердлова", "Некрасова", "Калинина", "Куйбышева", "Жукова", "Королёва",
), 0.9)

RO_STREET_TYPES = (("Strada", "str.", "Str."), ("Bulevardul", "bd.", "Bd."), ("Calea", "cal.", "Calea"),
                   ("Aleea", "al.", "Al."), ("Șoseaua", "șos.", "Sos."))
RO_STREETS = Zipf((
    "Mihai Eminescu", "Unirii", "Victoriei", "Libertății", "Republicii", "Florilor", "Independenței",
    "Mihai Viteazu", "Avram Iancu", "Ion Creangă", "Decebal", "Traian", "Tudor Vladimirescu",
    "Nicolae Bălcescu", "1 Decembrie 1918", "Dacia", "Păcii", "Primăverii", "Lalelelor", "Teilor",
    "Cuza Vodă", "Vasile Alecsandri", "Mihail Kogălniceanu", "Ștefan cel Mare", "Gheorghe Doja",
    "Trandafirilor", "Salcâmilor", "Morii",
), 0.9)

# Moldovan streets with their Russian spelling
MD_STREETS = Zipf((
    ("Ștefan cel Mare", "Штефан чел Маре"), ("Pușkin", "Пушкина"), ("Mihai Eminescu", "Михая Эминеску"),
    ("Alecu Russo", "Алеку Руссо"), ("Dacia", "Дачия"), ("Decebal", "Дечебал"), ("Ismail", "Измаил"),
    ("Columna", "Колумна"), ("Alba Iulia", "Алба Юлия"), ("Independenței", "Индепенденцей"),
    ("Mircea cel Bătrân", "Мирча чел Бэтрын"), ("Calea Ieșilor", "Каля Ешилор"), ("Bucuriei", "Букурией"),
    ("Grenoble", "Гренобля"), ("Ion Creangă", "Иона Крянгэ"), ("Kiev", "Киевская"),
), 0.9)
MD_STREET_TYPES = (("strada", "str.", "ул."), ("bulevardul", "bd.", "бул."))


def pick_country(rng: random.Random, countries: tuple[str, ...] = COUNTRIES) -> str:
    """One of ``countries``, weighted by COUNTRY_WEIGHTS (one random draw, as before GB existed)."""
    r = rng.random() * sum(COUNTRY_WEIGHTS[c] for c in countries)
    for country in countries[:-1]:
        r -= COUNTRY_WEIGHTS[country]
        if r < 0:
            return country
    return countries[-1]


def postcode(country: str, prefix, rng: random.Random) -> str:
    if country == "GB":
        return gb.postcode(prefix[int(rng.random() * len(prefix))], rng)
    if country == "RU":
        return (prefix + "".join(str(int(rng.random() * 10)) for _ in range(6)))[:6]
    if country == "RO":
        if prefix == "0":
            return "0" + str(10000 + int(rng.random() * 52000))
        return prefix + f"{int(rng.random() * 1000):03d}"
    return "MD-" + prefix + f"{int(rng.random() * 100):02d}"


# --------------------------------------------------------------------------------------------
# phone numbers: stored as (country, national significant number)

CALLING_CODE = {"RU": "7", "RO": "40", "MD": "373", "GB": "44"}


def mobile(country: str, rng: random.Random) -> str:
    if country == "GB":
        return gb.mobile(rng)
    if country == "RU":
        return "9" + f"{int(rng.random() * 100):02d}" + f"{int(rng.random() * 10_000_000):07d}"
    if country == "RO":
        return "7" + str(rng.choice((2, 2, 2, 3, 4, 5, 6, 7, 8, 6))) + f"{int(rng.random() * 10_000_000):07d}"
    return rng.choice(("69", "68", "79", "78", "60", "67")) + f"{int(rng.random() * 1_000_000):06d}"


def landline(country: str, rng: random.Random) -> str:
    if country == "GB":
        return gb.landline(rng)
    if country == "RU":
        return rng.choice(("495", "499", "812", "383", "343")) + f"{int(rng.random() * 10_000_000):07d}"
    if country == "RO":
        return "21" + f"{int(rng.random() * 10_000_000):07d}"
    return "22" + f"{int(rng.random() * 1_000_000):06d}"


def format_phone(country: str, nsn: str, rng: random.Random, style: float | None = None) -> str:
    """Render a phone number in one of the many formats people and clerks type."""
    r = rng.random() if style is None else style
    if country == "GB":
        return gb.format_phone(nsn, rng, r)
    if country == "RU":
        a, b, c, d = nsn[:3], nsn[3:6], nsn[6:8], nsn[8:]
        if r < 0.22:
            return f"+7 {a} {b}-{c}-{d}"
        if r < 0.40:
            return f"8 ({a}) {b} {c} {d}"
        if r < 0.58:
            return f"8{nsn}"
        if r < 0.78:
            return f"+7{nsn}"
        if r < 0.86:
            return f"7{nsn}"
        if r < 0.93:
            return f"8-{a}-{b}-{c}-{d}"
        return f"+7 ({a}) {b}{c}{d}"
    if country == "RO":
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        if r < 0.25:
            return f"+40 {a} {b} {c}"
        if r < 0.50:
            return f"0{nsn}"
        if r < 0.62:
            return f"0{a}-{b}-{c}"
        if r < 0.82:
            return f"+40{nsn}"
        if r < 0.90:
            return f"0040 {a} {b} {c}"
        return f"0{a} {b} {c}"
    a, b, c = nsn[:2], nsn[2:5], nsn[5:]
    if r < 0.25:
        return f"+373 {a} {b} {c}"
    if r < 0.50:
        return f"0{nsn}"
    if r < 0.75:
        return f"+373{nsn}"
    if r < 0.85:
        return f"0 {a} {b} {c}"
    if r < 0.93:
        return f"00373 {nsn}"
    return f"0{a} {b}{c}"


def e164(country: str, nsn: str) -> str:
    return f"+{CALLING_CODE[country]}{nsn}"
