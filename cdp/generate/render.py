"""Render a true person as one messy record of one source system.

Every function takes the person, the shared ``random.Random`` and a :class:`Style` that
says how that system's data tends to look (script, nicknames, typo rate, stale data).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import gb
from . import names as N
from . import places as P
from .people import Person


@dataclass(frozen=True)
class Style:
    cyr: float = 0.6  # probability that a Russian speaker's name is written in Cyrillic
    nick: float = 0.05  # nickname / diminutive instead of the full first name
    typo: float = 0.04  # per name field
    swap: float = 0.02  # first and last name swapped
    case: float = 0.05  # UPPER / lower / Title noise
    maiden: float = 0.1  # married women: maiden name instead of the current one
    old_addr: float = 0.1  # movers: old address instead of the current one
    family: float = 0.15  # family phone / e-mail instead of one's own
    work: float = 0.05  # work e-mail
    plus: float = 0.0  # plus-tagged e-mail
    missing_first: float = 0.02
    middle: float = 0.0  # English speakers with a middle name: written after the first name


STYLES = {
    "crm": Style(cyr=0.75, nick=0.04, typo=0.05, swap=0.04, case=0.06, maiden=0.6, old_addr=0.8, work=0.3,
                 middle=0.35),
    "loyalty": Style(cyr=0.6, nick=0.06, typo=0.04, swap=0.02, case=0.1, maiden=0.15, old_addr=0.1, middle=0.2),
    "webshop": Style(cyr=0.45, nick=0.1, typo=0.03, swap=0.02, case=0.04, maiden=0.1, old_addr=0.05,
                     plus=0.08, middle=0.1),
    "order": Style(cyr=0.5, nick=0.12, typo=0.05, swap=0.03, case=0.06, maiden=0.1, old_addr=0.05, plus=0.06,
                   middle=0.05),
    "call": Style(cyr=0.55, nick=0.2, typo=0.06, swap=0.05, case=0.02, maiden=0.2, family=0.2, middle=0.05),
    "messenger": Style(cyr=0.45, nick=0.45, typo=0.03, swap=0.02, case=0.1),
    "form": Style(cyr=0.5, nick=0.15, typo=0.04, swap=0.03, case=0.1, work=0.1),
    "pos": Style(family=0.25),
}


def name(p: Person, rng: random.Random, st: Style) -> tuple[str, str]:
    """(first_name, last_name) as this system has them."""
    full, dims, extras = p.first
    use_nick = bool(dims) and rng.random() < st.nick
    first = dims[int(rng.random() * len(dims))] if use_nick else full
    last = p.maiden if p.maiden and rng.random() < st.maiden else p.last
    if p.lang == "ru":
        if rng.random() < st.cyr:
            if rng.random() < 0.4:  # ё is usually typed as е
                first, last = first.replace("ё", "е").replace("Ё", "Е"), last.replace("ё", "е")
        else:
            system = p.translit if rng.random() < 0.6 else N.TRANSLIT_SYSTEMS[int(rng.random() * 4)]
            if not use_nick and extras and rng.random() < 0.2:
                first = extras[int(rng.random() * len(extras))]
            else:
                first = N.translit(first, system)
            last = N.translit(last, system)
    else:
        mode = p.ro_mode if rng.random() < 0.6 else int(rng.random() * 3)
        if not use_nick and extras and rng.random() < 0.2:
            first = extras[int(rng.random() * len(extras))]
        if p.country == "MD" and rng.random() < st.cyr * 0.12:
            first, last = N.ro_to_cyrillic(first), N.ro_to_cyrillic(last)
        else:
            first, last = N.ro_variant(first, mode), N.ro_variant(last, mode)
    if rng.random() < st.typo:
        first = N.typo(first, rng)
    if rng.random() < st.typo:
        last = N.typo(last, rng)
    if p.name_parts:
        first, last = _with_english_parts(p, first, last, st)
    r = rng.random()
    if r < st.case:
        if r < st.case * 0.5:
            last = last.upper()
        else:
            first, last = N.case_noise(first, rng), N.case_noise(last, rng)
    if rng.random() < st.swap:
        first, last = last, first
    if rng.random() < st.missing_first:
        first = ""
    return first, last


def _with_english_parts(p: Person, first: str, last: str, st: Style) -> tuple[str, str]:
    """An English speaker's middle name (in full or as an initial), double-barrelled surname
    (with a hyphen, a space, or only its second half) and 'Jr' as this record writes them.
    Decided by a generator of the person's own, one draw per record, so the rest of the
    data is what it would be without them."""
    middle, barrel, suffix = p.name_parts
    p.renders += 1
    rng = random.Random(f"name parts:{p.pid}:{p.renders}")
    if middle and first and rng.random() < st.middle:
        first = f"{first} {middle}" if rng.random() < 0.6 else f"{first} {middle[0]}."
    if barrel and last == p.last:
        r = rng.random()
        last = f"{barrel}-{last}" if r < 0.55 else f"{barrel} {last}" if r < 0.75 else last
    if suffix and last and rng.random() < 0.4:
        last = f"{last} {suffix}" if rng.random() < 0.5 else f"{last} {suffix}."
    return first, last


def with_patronymic(p: Person, first: str, record_id: str, share: float) -> str:
    """The first name as a Russian system often holds it: 'Иван Сергеевич' (name and
    patronymic) in ``share`` of a Russian speaker's records. Decided by a generator of its
    own per record, so the rest of the data is what it would be without patronymics."""
    if not p.patronymic or not first or random.Random(f"patronymic:{record_id}").random() >= share:
        return first
    patronymic = p.patronymic if N.is_cyrillic(first) else N.translit(p.patronymic, p.translit)
    return f"{first} {patronymic.upper() if first.isupper() else patronymic}"


def canonical_emails(p: Person, st: Style, rng: random.Random) -> str | None:
    """Pick which of the person's addresses this system holds (None when none)."""
    r = rng.random()
    if p.family_email and r < st.family * 0.6:
        return p.family_email
    if p.work_email and rng.random() < st.work:
        return p.work_email
    if p.emails:
        if len(p.emails) > 1 and rng.random() < 0.35:
            return p.emails[1]
        return p.emails[0]
    return p.work_email or p.family_email


_TAGS = ("shop", "promo", "store", "orders", "news")
_PLUS_DOMAINS = ("gmail.com", "yandex.ru", "outlook.com", "icloud.com")


def email_variant(addr: str, rng: random.Random, st: Style) -> str:
    """How the address was typed: gmail dots, plus tags, case, rare typos."""
    local, _, domain = addr.partition("@")
    if domain == "gmail.com":
        r = rng.random()
        if "." in local and r < 0.25:
            local = local.replace(".", "")
        elif "." not in local and r < 0.08 and len(local) > 4:
            k = (2 + int(rng.random() * (len(local) - 1 - 2)))
            local = local[:k] + "." + local[k:]
    if st.plus and domain in _PLUS_DOMAINS and rng.random() < st.plus:
        local = f"{local}+{_TAGS[int(rng.random() * len(_TAGS))]}"
    r = rng.random()
    if r < 0.06:
        local = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
        if r < 0.02:
            domain = domain[:1].upper() + domain[1:]
    elif r < 0.08:
        local, domain = local.upper(), domain.upper()
    if rng.random() < 0.008:
        local = N.typo(local, rng)
    return f"{local}@{domain}"


def email(p: Person, rng: random.Random, st: Style) -> str:
    addr = canonical_emails(p, st, rng)
    return email_variant(addr, rng, st) if addr else ""


def phone_nsn(p: Person, rng: random.Random, st: Style) -> str | None:
    if p.family_phone and (not p.phones or rng.random() < st.family):
        return p.family_phone
    if p.phones:
        return p.phones[1] if len(p.phones) > 1 and rng.random() < 0.3 else p.phones[0]
    return None


def phone_text(country: str, nsn: str, rng: random.Random) -> str:
    if rng.random() < 0.01:  # two digits transposed
        k = int(rng.random() * (len(nsn) - 1))
        nsn = nsn[:k] + nsn[k + 1] + nsn[k] + nsn[k + 2:]
    return P.format_phone(country, nsn, rng)


def phone(p: Person, rng: random.Random, st: Style) -> str:
    nsn = phone_nsn(p, rng, st)
    return phone_text(p.country, nsn, rng) if nsn else ""


def birth_date(p: Person, rng: random.Random) -> str:
    d = p.birth
    y, m, dd = d.year, d.month, d.day
    r = rng.random()
    if r < 0.025 and dd <= 12 and dd != m:  # day / month swapped
        m, dd = dd, m
    elif r < 0.05:  # typo in day or year
        if rng.random() < 0.6:
            dd = max(1, min(28, dd + rng.choice((-1, 1, 10, -10))))
        else:
            y += rng.choice((-1, 1, -10, 10))
    if rng.random() < 0.15:
        return f"{y:04d}{m:02d}{dd:02d}"
    return f"{y:04d}-{m:02d}-{dd:02d}"


_city_forms: dict[tuple[str, bool], tuple[str, ...]] = {}


def _city_name(city, cyr: bool, rng: random.Random) -> str:
    key = (city[0], cyr)
    forms = _city_forms.get(key)
    if forms is None:
        all_forms = (city[0], *city[1])
        forms = tuple(f for f in all_forms if N.is_cyrillic(f) == cyr)
        if not forms:
            forms = (N.translit(city[0], "simple"),) if cyr is False else (city[0],)
        _city_forms[key] = forms
    if rng.random() < 0.75:
        return forms[0]
    return forms[int(rng.random() * len(forms))]


def country_name(country: str, rng: random.Random) -> str:
    r = rng.random()
    acc = 0.0
    for value, w in P.COUNTRY_NAMES[country]:
        acc += w
        if r < acc:
            return value
    return country


def address(p: Person, rng: random.Random, st: Style, old_ok: bool = True) -> tuple[str, ...]:
    """(street, street2, city, postcode, region, country) as this system has them."""
    addr = p.old_addr if old_ok and p.old_addr and rng.random() < st.old_addr else p.addr
    city, stype, street, house, apt, pc = addr
    country = p.country
    street2 = ""
    if country == "RU":
        cyr = rng.random() < st.cyr
        types = P.RU_STREET_TYPES[stype]
        if cyr:
            t = types[0] if rng.random() < 0.65 else types[1]
            s = street if rng.random() < 0.5 else street.replace("ё", "е")
            r = rng.random()
            s = f"{t} {s}, д. {house}" if r < 0.5 else f"{t} {s}, {house}" if r < 0.85 else f"{s} {t} {house}"
            if apt:
                street2 = f"кв. {apt}" if rng.random() < 0.7 else f"кв {apt}"
            region = city[2]
        else:
            system = p.translit if rng.random() < 0.6 else N.TRANSLIT_SYSTEMS[int(rng.random() * 3)]
            t = types[2] if rng.random() < 0.6 else types[3]
            sname = N.translit(street, system)
            r = rng.random()
            s = (f"{t} {sname}, d. {house}" if r < 0.4 else f"{t} {sname} {house}" if r < 0.8
                 else f"{sname} {t} {house}")
            if apt:
                street2 = f"kv. {apt}" if rng.random() < 0.6 else f"apt. {apt}"
            region = city[3]
        city_s = _city_name(city, cyr, rng)
    elif country == "GB":
        s, street2 = gb.street_line(gb.STREET_TYPES[stype], street, house, apt, rng)
        city_s = _city_name(city, False, rng)
        region = city[2] if rng.random() < 0.6 else city[3]
        pc = gb.postcode_as_typed(pc, rng)
    elif country == "RO":
        mode = p.ro_mode if rng.random() < 0.6 else int(rng.random() * 3)
        types = P.RO_STREET_TYPES[stype]
        t = types[int(rng.random() * 3)]
        r = rng.random()
        s = f"{t} {street} nr. {house}" if r < 0.45 else f"{t} {street}, nr. {house}" if r < 0.7 else (
            f"{t} {street} {house}")
        s = N.ro_variant(s, mode)
        if apt:
            street2 = apt if rng.random() < 0.7 else apt.replace("bl. ", "Bl.").replace("ap. ", "Ap.")
        city_s = N.ro_variant(_city_name(city, False, rng), mode)
        region = N.ro_variant(city[2] if rng.random() < 0.6 else city[3], mode)
    else:
        cyr = p.lang == "ru" and rng.random() < st.cyr * 0.5
        types = P.MD_STREET_TYPES[stype]
        if cyr:
            s = f"{types[2]} {street[1]}, {house}"
            if apt:
                street2 = f"кв. {apt}"
        else:
            mode = p.ro_mode if rng.random() < 0.6 else int(rng.random() * 3)
            t = types[int(rng.random() * 2)]
            s = f"{t} {street[0]} {house}" if rng.random() < 0.6 else f"{t} {street[0]}, {house}"
            s = N.ro_variant(s, mode)
            if apt:
                street2 = f"ap. {apt}" if rng.random() < 0.7 else f"apt. {apt}"
        city_s = _city_name(city, cyr, rng)
        region = city[2] if rng.random() < 0.6 else city[3]
    if street2 and rng.random() < 0.2:  # apartment merged into the street line
        s, street2 = f"{s}, {street2}", ""
    if rng.random() < 0.04:
        s = N.typo(s, rng)
    if rng.random() < 0.03:
        s, city_s = s.upper(), city_s.upper()
    if rng.random() < 0.2:
        pc = ""
    if rng.random() < 0.35:
        region = ""
    cn = country_name(country, rng) if rng.random() < 0.8 else ""
    return s, street2, city_s, pc, region, cn


def caller_name(p: Person, rng: random.Random) -> str:
    """Free-text caller name as typed by an agent."""
    r = rng.random()
    if r < 0.1:
        return ""
    first, last = name(p, rng, STYLES["call"])
    if r < 0.6:
        return f"{first} {last}".strip()
    if r < 0.7:
        return f"{last} {first}".strip()
    if r < 0.8:
        return first or last
    # honorific + surname
    cyr = N.is_cyrillic(last)
    if cyr:
        h = "г-н" if p.gender == "M" else rng.choice(("г-жа", "госпожа"))
    elif p.lang == "ro" and rng.random() < 0.6:
        h = rng.choice(("Dl.", "Domnul")) if p.gender == "M" else rng.choice(("Dna", "Doamna", "D-na"))
    else:
        h = "Mr" if p.gender == "M" else rng.choice(("Mrs", "Ms"))
    return f"{h} {last}"


def display_name(p: Person, rng: random.Random) -> str:
    first, last = name(p, rng, STYLES["messenger"])
    r = rng.random()
    if r < 0.3:
        return first or last
    if r < 0.6:
        return f"{first} {last[:1]}.".strip() if last else first
    if r < 0.9:
        return f"{first} {last}".strip()
    return f"{(first or last).lower()}_{10 + int(rng.random() * 89)}"


def handle(p: Person, platform: str) -> str:
    """A stable per-person social handle (derived from the person, not from the stream)."""
    num = int(p.pid[1:])
    full, dims, _ = p.first
    base = dims[0] if dims and num % 3 == 0 else full
    if p.lang == "ru":
        f, last = N.translit(base, "simple").lower(), N.translit(p.last, "simple").lower()
    else:
        f, last = N.strip_diacritics(base).lower(), N.strip_diacritics(p.last).lower()
    f, last = f.replace("-", ""), last.replace("-", "")
    k = num % 5
    if platform == "facebook":
        return f"{f}.{last}.{num % 1000}" if k < 3 else f"{f}{last}{num % 97}"
    if k == 0:
        return f"@{f}_{last[:1]}"
    if k == 1:
        return f"@{f}{last}{num % 100}"
    if k == 2:
        return f"@{last}_{f}"
    if k == 3:
        return f"@{f[:3]}{last[:3]}{num % 1000}"
    return f"@{f}.{last}"
