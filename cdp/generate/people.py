"""The latent population: real people, their households and their true attributes.

People are produced household by household (a streaming generator), so memory stays flat
no matter how many people are requested.  The only state kept across households is the set
of e-mail addresses already taken (mailbox names are unique at a provider) and a small
buffer of recent people used to create namesakes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from . import gb
from . import names as N
from . import places as P

# Shares close to real populations: the most common first name ~10% of one sex, the most
# common surname ~2%; so a few thousand people have a few namesakes, a million have many.
RU_MALE = N.Zipf(N.RU_MALE, 0.6)
RU_FEMALE = N.Zipf(N.RU_FEMALE, 0.6)
RU_LAST = N.Zipf(N.RU_SURNAMES, 0.6, tail=N.RU_SURNAME_TAIL, tail_share=0.6)
RO_MALE = N.Zipf(N.RO_MALE, 0.6)
RO_FEMALE = N.Zipf(N.RO_FEMALE, 0.6)
RO_LAST = N.Zipf(N.RO_SURNAMES, 0.6, tail=N.RO_SURNAME_TAIL, tail_share=0.6)
MD_LAST = N.Zipf(N.MD_SURNAMES, 0.6, tail=N.RO_SURNAME_TAIL, tail_share=0.6)
EN_MALE = N.Zipf(gb.MALE, 0.6)
EN_FEMALE = N.Zipf(gb.FEMALE, 0.6)
EN_LAST = N.Zipf(gb.SURNAMES, 0.6, tail=gb.SURNAME_TAIL, tail_share=0.6)
_NAME_POOLS = {"RU_MALE": N.RU_MALE, "RU_FEMALE": N.RU_FEMALE, "RU_LAST": N.RU_SURNAMES, "RO_MALE": N.RO_MALE,
               "RO_FEMALE": N.RO_FEMALE, "RO_LAST": N.RO_SURNAMES, "MD_LAST": N.MD_SURNAMES, "EN_MALE": gb.MALE,
               "EN_FEMALE": gb.FEMALE, "EN_LAST": gb.SURNAMES}


@contextmanager
def small_name_pools(size: int) -> Iterator[None]:
    """Draw every first name and surname from the ``size`` most common of each list, with no
    tail of rare ones: a name-dense file, where most names are shared by hundreds of
    people at a million records (as in FEBRL's small pools), so names alone cannot tell
    people apart. The module's pickers are swapped for the block and restored after."""
    if size < 1:
        raise ValueError(f"a name pool needs at least one name, got {size}")
    saved = {name: globals()[name] for name in _NAME_POOLS}
    globals().update({name: N.Zipf(list(pool)[:size], 0.6) for name, pool in _NAME_POOLS.items()})
    try:
        yield
    finally:
        globals().update(saved)

EMAIL_DOMAINS = {
    "RU": N.Zipf(("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "ya.ru"),
                 1.0),
    "RO": N.Zipf(("gmail.com", "yahoo.com", "yahoo.ro", "hotmail.com", "outlook.com", "icloud.com"), 1.1),
    "MD": N.Zipf(("gmail.com", "mail.ru", "yahoo.com", "list.ru", "yandex.ru", "inbox.ru"), 1.0),
    "GB": N.Zipf(gb.EMAIL_DOMAINS, 1.0),
}
WORK_DOMAINS = {
    "RU": ("stroyinvest.ru", "uralmash-service.ru", "volga-logistic.ru", "softline-group.ru",
           "gazprom-neft.ru", "sibtech.ru", "mosenergo-sbyt.ru", "rzd-cargo.ru"),
    "RO": ("transilvania-soft.ro", "construct-impex.ro", "dacia-parts.ro", "romtelecom-service.ro",
           "agricover-grup.ro", "bcr-services.ro"),
    "MD": ("agroprom.md", "moldcell-service.md", "orange-business.md", "maib-group.md", "termoelectrica.md"),
    "GB": gb.WORK_DOMAINS,
}

# day/month/year ranges
BIRTH_MIN, BIRTH_MAX = date(1940, 1, 1), date(2008, 12, 31)


class Person:
    """One real person (the ground truth that the records are noisy views of)."""

    __slots__ = (
        "pid", "country", "lang", "gender", "first", "last", "maiden", "birth", "city", "addr", "old_addr",
        "phones", "family_phone", "emails", "work_email", "family_email", "translit", "ro_mode", "household",
        "since", "head", "patronymic", "name_parts", "renders",
    )

    def __init__(self):
        self.maiden = None
        self.old_addr = None
        self.family_phone = None
        self.work_email = None
        self.family_email = None
        self.head = True
        self.patronymic = None
        self.name_parts = None
        self.renders = 0

    def first_forms(self):
        """(full, diminutives, extra Latin spellings) of the first name."""
        return self.first


def _birth(rng: random.Random, lo: int = 1940, hi: int = 2008, mode: int = 1980) -> date:
    year = int(rng.triangular(lo, hi + 1, mode))
    year = min(max(year, lo), hi)
    return date(year, 1, 1) + timedelta(days=int(rng.random() * 365))


def _first_name(lang: str, gender: str, rng: random.Random):
    if lang == "ru":
        return (RU_MALE if gender == "M" else RU_FEMALE).pick(rng)
    if lang == "en":
        return (EN_MALE if gender == "M" else EN_FEMALE).pick(rng)
    return (RO_MALE if gender == "M" else RO_FEMALE).pick(rng)


def _surname(country: str, lang: str, gender: str, rng: random.Random) -> str:
    if lang == "ru":
        s = RU_LAST.pick(rng)
        return N.feminine_ru(s) if gender == "F" else s
    if lang == "en":
        return EN_LAST.pick(rng)
    return (MD_LAST if country == "MD" else RO_LAST).pick(rng)


def _address(country: str, city, rng: random.Random):
    """(city, street type index, street name, house, apartment, postcode)."""
    if country == "RU":
        stype = 0 if rng.random() < 0.7 else (1 + int(rng.random() * (len(P.RU_STREET_TYPES) - 1)))
        street = P.RU_STREETS.pick(rng)
        apt = str(1 + int(rng.random() * 299)) if rng.random() < 0.85 else ""
    elif country == "GB":
        stype = int(rng.random() * len(gb.STREET_TYPES))
        street = gb.STREETS[int(rng.random() * len(gb.STREETS))]
        apt = str(1 + int(rng.random() * 40)) if rng.random() < 0.25 else ""
    elif country == "RO":
        stype = 0 if rng.random() < 0.6 else (1 + int(rng.random() * (len(P.RO_STREET_TYPES) - 1)))
        street = P.RO_STREETS.pick(rng)
        apt = (f"bl. {rng.choice('ABCDEFGM')}{1 + int(rng.random() * 19)}, sc. {1 + int(rng.random() * 3)}, "
               f"ap. {1 + int(rng.random() * 79)}") if rng.random() < 0.6 else ""
    else:
        stype = 0 if rng.random() < 0.7 else 1
        street = P.MD_STREETS.pick(rng)
        apt = str(1 + int(rng.random() * 199)) if rng.random() < 0.7 else ""
    house = str(1 + int(rng.random() * 149))
    if rng.random() < 0.1:
        house += rng.choice(("А", "Б", "/1", " к2", " стр. 1") if country == "RU" else ("A", "B") if country == "GB"
                            else ("A", "B", "/1", "/2"))
    return (city, stype, street, house.strip(), apt, P.postcode(country, city[4], rng))


def _latin(p: Person, text: str) -> str:
    if p.lang == "ru":
        return N.translit(text, p.translit)
    return N.strip_diacritics(text)


# Providers that ignore dots in the mailbox name: 'elena.ardeleanu' and 'elenaardeleanu' at
# gmail.com are one mailbox, so one of them being taken takes the other.
DOTLESS_PROVIDERS = {"gmail.com", "googlemail.com"}


class EmailRegistry:
    """Mailbox names are unique per provider: remember which addresses are taken."""

    def __init__(self):
        self.taken: set[str] = set()

    @staticmethod
    def _mailbox(local: str, domain: str) -> str:
        return f"{local.replace('.', '') if domain in DOTLESS_PROVIDERS else local}@{domain}"

    def claim(self, local: str, domain: str, rng: random.Random, year: int) -> str:
        local = local.lower().replace(" ", "").replace("'", "")
        for attempt in range(8):
            cand = local
            if attempt == 1:
                cand = f"{local}{year % 100:02d}"
            elif attempt == 2:
                cand = f"{local}{year}"
            elif attempt > 2:
                cand = f"{local}{1 + int(rng.random() * (10 ** min(attempt, 5) - 1))}"
            if self._mailbox(cand, domain) not in self.taken:
                self.taken.add(self._mailbox(cand, domain))
                return f"{cand}@{domain}"
        cand = f"{local}.{(10 ** 6 + int(rng.random() * (10 ** 7 - 10 ** 6)))}"
        self.taken.add(self._mailbox(cand, domain))
        return f"{cand}@{domain}"


def _personal_email(p: Person, reg: EmailRegistry, rng: random.Random) -> str:
    first = _latin(p, p.first[0]).lower().replace("-", "")
    last = _latin(p, p.maiden or p.last if rng.random() < 0.5 else p.last).lower().replace("-", "")
    if p.first[1] and rng.random() < 0.15:
        dim = p.first[1][0]
        first = (_latin(p, dim) if p.lang != "ru" else N.translit(dim, "simple")).lower()
    yy = p.birth.year
    r = rng.random()
    if r < 0.25:
        local = f"{first}.{last}"
    elif r < 0.40:
        local = f"{first}{last}"
    elif r < 0.50:
        local = f"{first[0]}.{last}"
    elif r < 0.58:
        local = f"{last}.{first}"
    elif r < 0.66:
        local = f"{first}_{last}"
    elif r < 0.76:
        local = f"{first}{yy % 100:02d}"
    elif r < 0.84:
        local = f"{last}{yy}"
    elif r < 0.92:
        local = f"{first}.{last}{1 + int(rng.random() * 99)}"
    else:
        local = f"{first[:3]}{last[:4]}{100 + int(rng.random() * 900)}"
    return reg.claim(local, EMAIL_DOMAINS[p.country].pick(rng), rng, yy)


def _work_email(p: Person, reg: EmailRegistry, rng: random.Random) -> str:
    first = _latin(p, p.first[0]).lower().replace("-", "")
    last = _latin(p, p.last).lower().replace("-", "")
    local = f"{first}.{last}" if rng.random() < 0.6 else f"{first[0]}{last}"
    return reg.claim(local, rng.choice(WORK_DOMAINS[p.country]), rng, p.birth.year)


def _english_name_parts(p: Person, rng: random.Random) -> tuple[str | None, str | None, str | None]:
    """(middle name, first half of a double-barrelled surname, suffix) of an English speaker,
    each often absent: 40% have a middle name, 4% a surname like Ashford-Wright, 1.5% of men
    are a 'Jr'. Drawn from a generator of their own, so the rest of the data is unchanged."""
    given = EN_MALE if p.gender == "M" else EN_FEMALE
    middle = None
    if rng.random() < 0.4:
        middle = given.pick(rng)[0]
        if middle == p.first[0]:
            middle = None
    barrel = EN_LAST.pick(rng) if rng.random() < 0.04 else None
    suffix = "Jr" if p.gender == "M" and rng.random() < 0.015 else None
    return middle, barrel if barrel != p.last else None, suffix


def _new_person(rng: random.Random, country: str, lang: str, gender: str) -> Person:
    p = Person()
    p.country = country
    p.lang = lang
    p.gender = gender
    p.first = _first_name(lang, gender, rng)
    p.translit = rng.choice(N.TRANSLIT_SYSTEMS[:3]) if country != "MD" or rng.random() < 0.5 else "ro"
    p.ro_mode = 0 if rng.random() < 0.5 else (1 if rng.random() < 0.3 else 2)
    return p


class Population:
    """Streaming generator of people, household by household."""

    def __init__(self, rng: random.Random, span_days: int, countries: tuple[str, ...] = P.COUNTRIES):
        self.rng = rng
        self.countries = countries
        self.span_days = span_days
        self.emails = EmailRegistry()
        self.recent: list[Person] = []
        self.count = 0
        self.households = 0

    def _finish(self, p: Person) -> Person:
        rng = self.rng
        self.count += 1
        p.pid = f"P{self.count:08d}"
        if p.lang == "ru":
            # drawn from its own generator, so the rest of the data is what it was without it
            p.patronymic = N.patronymic_ru(RU_MALE.pick(random.Random(f"father:{p.pid}"))[0], p.gender)
        if p.lang == "en":
            p.name_parts = _english_name_parts(p, random.Random(f"name parts:{p.pid}"))
        p.since = int(rng.random() * self.span_days * 0.9)
        # own phones
        p.phones = [P.mobile(p.country, rng)] if rng.random() < 0.93 else []
        if rng.random() < 0.12:
            p.phones.append(P.mobile(p.country, rng))
        # own e-mails
        p.emails = [_personal_email(p, self.emails, rng)] if rng.random() < 0.85 else []
        if rng.random() < 0.12:
            p.emails.append(_personal_email(p, self.emails, rng))
        if rng.random() < 0.2 and p.birth.year < 2003:
            p.work_email = _work_email(p, self.emails, rng)
        # movers keep an old address in some systems
        if rng.random() < 0.12:
            city = p.addr[0] if rng.random() < 0.7 else P.CITY_PICKERS[p.country].pick(rng)
            p.old_addr = _address(p.country, city, rng)
        # namesakes: copy the name of a recent person of the same language and gender in the same city
        if self.recent and rng.random() < 0.02:
            other = self.recent[int(rng.random() * len(self.recent))]
            if other.lang == p.lang and other.gender == p.gender and other.pid != p.pid:
                p.first, p.last, p.addr = other.first, other.last, (other.addr[0], *p.addr[1:])
        self.recent.append(p)
        if len(self.recent) > 300:
            del self.recent[:100]
        return p

    def household(self) -> list[Person]:
        rng = self.rng
        self.households += 1
        country = P.pick_country(rng, self.countries)
        lang = ("en" if country == "GB" else
                "ru" if country == "RU" or (country == "MD" and rng.random() < 0.3) else "ro")
        r = rng.random()
        size = 1 if r < 0.45 else 2 if r < 0.75 else 3 if r < 0.9 else 4
        city = P.CITY_PICKERS[country].pick(rng)
        addr = _address(country, city, rng)
        hh_id = self.households
        head = _new_person(rng, country, lang, "M" if rng.random() < 0.5 else "F")
        head.last = _surname(country, lang, head.gender, rng)
        head.birth = _birth(rng, 1940, 2004)
        head.addr = addr
        members = [head]
        male_last = head.last if head.gender == "M" or lang != "ru" else None
        if male_last is None:
            base = head.last[:-1] if head.last.endswith("а") else head.last
            male_last = base[:-2] + "ий" if base.endswith("ая") else base
        for k in range(1, size):
            if k == 1 and rng.random() < 0.75:  # partner
                gender = "F" if head.gender == "M" else "M"
                birth = _birth(rng, max(1940, head.birth.year - 6), min(2006, head.birth.year + 6),
                               head.birth.year)
            else:  # child or parent
                gender = "M" if rng.random() < 0.5 else "F"
                if head.birth.year < 1985 or rng.random() < 0.5:
                    lo = min(head.birth.year + 20, 2006)
                    birth = _birth(rng, lo, min(head.birth.year + 38, 2008), min(lo + 8, 2008))
                else:
                    hi = max(1940, head.birth.year - 20)
                    birth = _birth(rng, max(1940, hi - 15), hi, hi - 5)
            m = _new_person(rng, country, lang, gender)
            m.head = False
            m.birth = birth
            m.addr = addr
            m.last = N.feminine_ru(male_last) if lang == "ru" and gender == "F" else male_last
            if k == 1 and gender == "F" and rng.random() < 0.45:
                m.maiden = _surname(country, lang, "F", rng)
            members.append(m)
        # twins: two children with the same birth date (and address, surname, often phone)
        if size == 4 and rng.random() < 0.12:
            members[-1].birth = members[-2].birth
        if head.gender == "F" and lang == "ru" and rng.random() < 0.3:
            head.maiden = _surname(country, lang, "F", rng)
        for m in members:
            m.household = hh_id
            self._finish(m)
        # shared family contact points
        if size > 1:
            if rng.random() < 0.45:
                fam = head.phones[0] if head.phones and rng.random() < 0.6 else P.landline(country, rng)
                for m in members:
                    m.family_phone = fam
            if rng.random() < 0.18:
                fam_local = ("familia." + N.strip_diacritics(head.last).lower() if lang == "ro"
                             else _latin(head, male_last).lower() + rng.choice(("y", ".family", "_fam", "")))
                domain = EMAIL_DOMAINS[country].pick(rng)
                fam_email = self.emails.claim(fam_local, domain, rng, head.birth.year)
                for m in members:
                    m.family_email = fam_email
        return members

    def people(self, n: int) -> Iterator[list[Person]]:
        """Yield households until ``n`` people have been produced (the last one is trimmed)."""
        while self.count < n:
            hh = self.household()
            if self.count > n:
                hh = hh[: len(hh) - (self.count - n)]
                self.count = n
            yield hh
