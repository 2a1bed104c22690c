"""Turn each person into the records the channel systems export (and the ground truth).

:class:`Emitter` holds one buffer per output (a list of row tuples in contract column
order); the caller drains the buffers every few thousand people, shuffles them and hands
them to the writers, so row order and ids do not reveal who belongs together.
"""

from __future__ import annotations

import bisect
import math
import random
from datetime import date, datetime, timedelta

from . import catalog, gb
from . import names as N
from . import places as P
from . import render as R
from .habits import Habit, daytime
from .people import Person

DAY = 86400

# output buffers (crm/contacts is split in two batch files)
OUTPUTS = (
    "crm/contacts@1", "crm/contacts@2", "loyalty/members", "loyalty/point_transactions", "webshop/accounts",
    "webshop/orders", "webshop/order_lines", "pos/receipts", "pos/receipt_lines", "web/events",
    "email/messages", "email/events", "sms/messages", "sms/events", "callcentre/calls",
    "messenger/conversations", "consent/events", "truth",
)

# channel -> sampling weight when choosing which channels a person uses
CHANNELS = (("crm", 0.55), ("loyalty", 0.5), ("webshop", 0.6), ("pos", 0.45), ("callcentre", 0.3),
            ("messenger", 0.3))
N_CHANNELS_CUM = (0.20, 0.50, 0.75, 0.90, 0.97, 1.0)  # 1..6 channels

ORDER_STATUS = (("shipped", 0.55), ("paid", 0.12), ("placed", 0.08), ("cancelled", 0.15), ("returned", 0.10))
PAYMENT = (("card", 0.55), ("cash", 0.3), ("mobile", 0.12), ("gift_card", 0.03))
TIERS = (("bronze", 0.55), ("silver", 0.28), ("gold", 0.13), ("platinum", 0.04))
OUTCOMES = (("resolved", 0.45), ("callback", 0.15), ("complaint", 0.12), ("sale", 0.13), ("no_answer", 0.08),
            ("transferred", 0.07))
PLATFORMS = {
    "RU": (("telegram", 0.45), ("whatsapp", 0.3), ("viber", 0.15), ("instagram", 0.1)),
    "RO": (("whatsapp", 0.45), ("facebook", 0.3), ("instagram", 0.2), ("telegram", 0.05)),
    "MD": (("viber", 0.35), ("telegram", 0.25), ("whatsapp", 0.2), ("facebook", 0.2)),
    "GB": (("whatsapp", 0.55), ("facebook", 0.25), ("instagram", 0.2)),
}
FEEDBACK = (
    "Where is my order?", "Товар пришёл повреждённым", "Vreau să returnez produsul", "Please call me back",
    "Не могу войти в личный кабинет", "Când ajunge comanda mea?", "Great service, thanks!",
    "Хочу изменить адрес доставки", "Am primit alt produs decât cel comandat",
    "How do I use my loyalty points?",
)
PAGES = ("/", "/catalog", "/catalog/electronics", "/catalog/clothing", "/catalog/beauty", "/catalog/toys",
         "/promo", "/stores", "/help/delivery", "/account", "/cart", "/search?q=")
EMAIL_THEMES = (
    ("Newsletter", "News and offers for {month}"), ("Weekend Sale", "Up to 50% off this weekend only"),
    ("New Arrivals", "Fresh in: new {month} collection"), ("Loyalty Double Points", "Double points all week"),
    ("Black Friday", "Black Friday starts now"), ("New Year Gifts", "Gift ideas for the whole family"),
    ("Back to School", "Everything for school"), ("Summer Sale", "Summer sale: prices melt"),
)
SMS_THEMES = ("Flash sale", "Points reminder", "Store opening", "Weekend promo", "Birthday offer")


def _weighted(options, r: float) -> str:
    acc = 0.0
    for value, w in options:
        acc += w
        if r < acc:
            return value
    return options[-1][0]


class Ids:
    """Unique, system-looking ids: a counter scrambled by a bijection modulo 10**digits."""

    __slots__ = ("prefix", "fmt", "mod", "mult", "off", "n")

    def __init__(self, prefix: str, digits: int, rng: random.Random):
        self.prefix, self.fmt, self.mod = prefix, f"{prefix}%0{digits}d", 10 ** digits
        mult = (self.mod // 10 + int(rng.random() * (self.mod - self.mod // 10))) | 1
        while mult % 5 == 0:
            mult += 2
        self.mult, self.off, self.n = mult, int(rng.random() * self.mod), 0

    def next(self) -> str:
        self.n += 1
        if self.n >= self.mod:
            raise OverflowError(f"id space {self.prefix} exhausted")
        return self.fmt % ((self.n * self.mult + self.off) % self.mod)


def _month_back(d: date) -> date:
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return date(y, m, min(d.day, 28))


class Emitter:
    def __init__(self, rng: random.Random, end_date: date, span_days: int,
                 countries: tuple[str, ...] = P.COUNTRIES, seed: int = 0):
        self.rng = rng
        self.seed = seed  # of each person's shopping habit (cdp.generate.habits)
        self._habit_of: tuple[str | None, Habit | None] = (None, None)
        self.countries = countries
        self.end = datetime(end_date.year, end_date.month, end_date.day)
        self.start = self.end - timedelta(days=span_days)
        self.end_sec = span_days * DAY
        self.days = [(self.start + timedelta(days=d)).date().isoformat() for d in range(span_days + 1)]
        self.batch1_date = _month_back(end_date)
        self.cut_sec = int((datetime(self.batch1_date.year, self.batch1_date.month, self.batch1_date.day)
                            - self.start).total_seconds())
        self.buf: dict[str, list[tuple]] = {k: [] for k in OUTPUTS}
        ids = {
            "contact": ("C", 7), "member": ("M", 8), "card": ("LC", 10), "pt": ("PT", 10),
            "account": ("A", 8), "order": ("WO", 9), "receipt": ("R", 10), "wev": ("EV", 12),
            "email": ("EM", 10), "eev": ("EE", 11), "sms": ("SM", 10), "sev": ("SE", 11),
            "call": ("CL", 9), "conv": ("CV", 9), "consent": ("CE", 10),
        }
        self.ids = {k: Ids(prefix, digits, rng) for k, (prefix, digits) in ids.items()}
        self._browsers_in_truth: set[str] = set()
        # a platform gives a handle to one account: the (platform, handle) pairs taken, and
        # the handle each person got on each platform
        self._handles_taken: set[tuple[str, str]] = set()
        self._handle_of: dict[tuple[str, str], str] = {}
        self._campaigns(span_days)
        self._stores()

    # ---------------------------------------------------------------------------------------- helpers
    def ts(self, sec: float) -> str:
        """'YYYY-MM-DD HH:MM:SS' of a moment (seconds since start), clamped into the covered period."""
        sec = int(sec)
        if sec >= self.end_sec:
            sec = self.end_sec - 1
        elif sec < 0:
            sec = 0
        day, rest = divmod(sec, DAY)
        h, rest = divmod(rest, 3600)
        m, s = divmod(rest, 60)
        return f"{self.days[day]} {h:02d}:{m:02d}:{s:02d}"

    def when(self, lo: float, hi: float | None = None) -> int:
        """A daytime moment between lo and hi (seconds since start)."""
        hi = self.end_sec if hi is None else hi
        rng = self.rng
        sec = lo + rng.random() * max(hi - lo, 1)
        return min(max(daytime(sec, rng), int(lo)), self.end_sec - 1)

    def _campaigns(self, span_days: int) -> None:
        rng = self.rng
        self.email_campaigns: list[tuple[int, str, str, str]] = []
        self.sms_campaigns: list[tuple[int, str, str]] = []
        d = self.start.date().replace(day=1)
        k = 0
        while True:
            d = (d + timedelta(days=32)).replace(day=1)
            sec = int((datetime(d.year, d.month, d.day) - self.start).total_seconds())
            if sec >= self.end_sec:
                break
            month = d.strftime("%B %Y")
            for j, day in enumerate((3, 17)):
                theme, subject = EMAIL_THEMES[0] if j == 0 else EMAIL_THEMES[1 + (k + d.month) % 7]
                if d.month == 11 and j == 1:
                    theme, subject = EMAIL_THEMES[4]
                k += 1
                s = sec + (day - 1) * DAY + 10 * 3600 + int(rng.random() * 3600)
                if s < self.end_sec:
                    self.email_campaigns.append((s, f"CMP-{d.year}-{k:04d}", f"{theme} {month}",
                                                 subject.format(month=month)))
            s = sec + 9 * DAY + 12 * 3600
            if s < self.end_sec:
                name = f"{SMS_THEMES[d.month % 5]} {month}"
                self.sms_campaigns.append((s, f"SMS-{d.year}{d.month:02d}", name))
        self.email_secs = [c[0] for c in self.email_campaigns]
        self.sms_secs = [c[0] for c in self.sms_campaigns]

    def _stores(self) -> None:
        self.stores: dict[str, tuple[str, ...]] = {}
        # the default countries' stores always (the sample's store codes stay as they were)
        chains = ((P.RU_CITIES, 4), (P.RO_CITIES, 3), (P.MD_CITIES, 2))
        for cities, big in chains + (((gb.CITIES, 3),) if "GB" in self.countries else ()):
            for i, city in enumerate(cities):
                n = max(1, big - i // 3)
                self.stores[city[0]] = tuple(f"{city[5]}-{j:02d}" for j in range(1, n + 1))
        self.all_stores = tuple(s for v in self.stores.values() for s in v)

    def _habit(self, p: Person) -> Habit:
        """The person's shopping habit, the same for every channel they buy in."""
        if self._habit_of[0] != p.pid:
            self._habit_of = (p.pid, Habit(self.seed, p.pid, self.start, self.end_sec, p.since * DAY))
        return self._habit_of[1]

    def truth(self, channel_entity: tuple[str, str], rid: str, p: Person) -> None:
        self.buf["truth"].append((channel_entity[0], channel_entity[1], rid, p.pid))

    # ---------------------------------------------------------------------------------------- per person
    def person(self, p: Person) -> None:
        rng = self.rng
        r = rng.random()
        n = next(i for i, c in enumerate(N_CHANNELS_CUM) if r < c) + 1
        keyed = sorted(CHANNELS, key=lambda cw: -(rng.random() ** (1.0 / cw[1])))
        chosen = {c for c, _ in keyed[:n]}
        if "loyalty" in chosen and "pos" not in chosen and n > 1 and rng.random() < 0.6:
            chosen.add("pos")  # members mostly use their card in the stores
        since = p.since * DAY
        seen_emails: list[tuple[str, int, str]] = []  # (address as typed, when, recorded_in)
        seen_phones: list[tuple[str, str, int, str]] = []  # (typed, nsn, when, recorded_in)
        cards: list[tuple[str, str, int]] = []
        accounts: list[tuple[str, str, int]] = []

        if "crm" in chosen:
            self._crm(p, since, seen_emails, seen_phones)
        if "loyalty" in chosen:
            self._loyalty(p, since, seen_emails, seen_phones, cards)
        if "webshop" in chosen:
            self._webshop(p, since, seen_emails, seen_phones, accounts)
        if "pos" in chosen:
            self._pos(p, since, cards, seen_phones)
        if "callcentre" in chosen:
            self._calls(p, since)
        if "messenger" in chosen:
            self._messenger(p, since, seen_phones)
        if rng.random() < 0.015:
            self._feedback(p, since, seen_emails, None)
        self._consent_and_campaigns(p, seen_emails, seen_phones, "messenger" in chosen)

    # CRM ---------------------------------------------------------------------------------------
    def _crm(self, p, since, seen_emails, seen_phones):
        rng = self.rng
        st = R.STYLES["crm"]
        copies = 2 if rng.random() < 0.1 else 1
        for _ in range(copies):
            cid = self.ids["contact"].next()
            first, last = R.name(p, rng, st)
            first = R.with_patronymic(p, first, cid, 0.25)
            em = R.email(p, rng, st) if rng.random() < 0.6 else ""
            nsn = R.phone_nsn(p, rng, st) if rng.random() < 0.8 else None
            ph = R.phone_text(p.country, nsn, rng) if nsn else ""
            bd = R.birth_date(p, rng) if rng.random() < 0.55 else ""
            gender = p.gender if rng.random() < 0.7 else ""
            addr = R.address(p, rng, st) if rng.random() < 0.7 else ("",) * 6
            t = self.when(since)
            row = (cid, first, last, em, ph, bd, gender, *addr, self.ts(t))
            self.buf["crm/contacts@1" if t < self.cut_sec else "crm/contacts@2"].append(row)
            self.truth(("crm", "contacts"), cid, p)
            if em:
                seen_emails.append((em, t, "crm"))
            if ph:
                seen_phones.append((ph, nsn, t, "crm"))
            if t < self.cut_sec and rng.random() < 0.07:  # a newer version in the second batch
                t2 = self.when(self.cut_sec)
                row = list(row)
                change = int(rng.random() * 3)
                if change == 0 or not p.phones:
                    row[3] = R.email(p, rng, st) or row[3]
                elif change == 1:
                    row[4] = R.phone(p, rng, st)
                else:
                    row[7:13] = R.address(p, rng, st, old_ok=False)
                row[13] = self.ts(t2)
                self.buf["crm/contacts@2"].append(tuple(row))

    # loyalty -----------------------------------------------------------------------------------
    def _loyalty(self, p, since, seen_emails, seen_phones, cards):
        rng = self.rng
        st = R.STYLES["loyalty"]
        for k in range(2 if rng.random() < 0.04 else 1):  # some re-enrol after losing the card
            mid, card = self.ids["member"].next(), self.ids["card"].next()
            first, last = R.name(p, rng, st)
            first = R.with_patronymic(p, first, mid, 0.1)
            em = R.email(p, rng, st) if rng.random() < 0.6 else ""
            nsn = R.phone_nsn(p, rng, st) if rng.random() < 0.9 else None
            ph = R.phone_text(p.country, nsn, rng) if nsn else ""
            bd = R.birth_date(p, rng) if rng.random() < 0.7 else ""
            addr = R.address(p, rng, st) if rng.random() < 0.5 else ("",) * 6
            t = self.when(since, since + (self.end_sec - since) * (0.6 if k == 0 else 1.0))
            tier = _weighted(TIERS, rng.random())
            self.buf["loyalty/members"].append((mid, card, first, last, em, ph, bd, *addr, tier, self.ts(t)))
            self.truth(("loyalty", "members"), mid, p)
            cards.append((mid, card, t))
            if em:
                seen_emails.append((em, t, "loyalty_app" if rng.random() < 0.4 else "store"))
            if ph:
                seen_phones.append((ph, nsn, t, "store"))

    # webshop -----------------------------------------------------------------------------------
    def _webshop(self, p, since, seen_emails, seen_phones, accounts):
        rng = self.rng
        ids = self.ids
        st = R.STYLES["webshop"]
        sto = R.STYLES["order"]
        registered = rng.random() < 0.6
        acc_id = ""
        acc_email = ""
        created = since
        if registered:
            acc_id = ids["account"].next()
            first, last = R.name(p, rng, st) if rng.random() < 0.85 else ("", "")
            # people without a personal address sign up with a throwaway one
            acc_email = R.email(p, rng, st) or (
                f"shop{int(p.pid[1:]) * 7919 % 10 ** 7:07d}@{'mail.ru' if p.lang == 'ru' else 'gmail.com'}")
            ph = R.phone(p, rng, st) if rng.random() < 0.5 else ""
            bd = R.birth_date(p, rng) if rng.random() < 0.25 else ""
            addr = R.address(p, rng, st) if rng.random() < 0.55 else ("",) * 6
            created = self.when(since, since + (self.end_sec - since) * 0.7)
            last_login = self.when(created)
            self.buf["webshop/accounts"].append((acc_id, acc_email, first, last, ph, bd, *addr,
                                                 self.ts(created), self.ts(last_login)))
            self.truth(("webshop", "accounts"), acc_id, p)
            accounts.append((acc_id, acc_email, created))
            seen_emails.append((acc_email, created, "webshop_account"))
            if ph:
                seen_phones.append((ph, None, created, "webshop_account"))
            n_orders = (0, 1, 1, 1, 2, 2, 3, 4)[int(rng.random() * 8)]
        else:
            r = rng.random()
            n_orders = 1 if r < 0.65 else 2 if r < 0.9 else 3
        order_times = self._habit(p).times(n_orders, created)
        browsers = [self._anon_id() for _ in range(1 + (rng.random() < 0.35) + (rng.random() < 0.1))]
        factor = P.PRICE_FACTOR[p.country]
        cur = P.CURRENCY[p.country]
        for order_time in order_times:
            oid = ids["order"].next()
            # when the main stream says (it times the contact details the order reveals, and so the
            # campaigns they get); the habit says when the order is placed
            seen_at = self.when(created)
            t = order_time
            guest = not registered or rng.random() < 0.08
            first, last = R.name(p, rng, sto)
            if guest:
                em = R.email(p, rng, sto) or ""
                ph = R.phone(p, rng, sto) if rng.random() < 0.75 or not em else ""
            else:
                em = acc_email if rng.random() < 0.9 else R.email(p, rng, sto)
                ph = R.phone(p, rng, sto) if rng.random() < 0.6 else ""
            if rng.random() < 0.06:  # shipped to a friend / the office
                addr = R.address(p, rng, sto, old_ok=False)
                addr = (addr[0].replace("1", "3", 1), "", *addr[2:])
            else:
                addr = R.address(p, rng, sto)
            lines, total = catalog.lines(rng, factor, weights=self._habit(p).weights)
            status = _weighted(ORDER_STATUS, rng.random())
            self.buf["webshop/orders"].append((oid, "" if guest else acc_id, em, ph, first, last, self.ts(t),
                                               status, cur, total, *addr))
            self.truth(("webshop", "orders"), oid, p)
            ol = self.buf["webshop/order_lines"]
            for i, line in enumerate(lines, 1):
                ol.append((oid, str(i), *line))
            if em:
                seen_emails.append((em, seen_at, "webshop_checkout"))
            if ph:
                seen_phones.append((ph, None, seen_at, "webshop_checkout"))
            self._session(browsers[int(rng.random() * len(browsers))], "" if guest else acc_id, t - 600,
                          [line[0] for line in lines], owner=p)
        for _ in range(int(rng.random() * 3)):  # browsing without buying
            self._session(browsers[int(rng.random() * len(browsers))], acc_id if rng.random() < 0.3 else "",
                          self.when(since), [], owner=p)
        if rng.random() < 0.05:
            self._feedback(p, since, seen_emails, browsers[0])

    def _anon_id(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"

    def _browser_truth(self, anon: str, owner) -> None:
        """The first time a person's browser shows up in web/events, record who owns it."""
        if anon not in self._browsers_in_truth:
            self._browsers_in_truth.add(anon)
            self.truth(("web", "browsers"), anon, owner)

    def _session(self, anon: str, account_id: str, t: int, skus: list[str], owner=None) -> None:
        rng = self.rng
        if owner is not None:
            self._browser_truth(anon, owner)
        ev = self.buf["web/events"]
        ids = self.ids["wev"]
        t = max(t, 0)
        logged = ""
        for _ in range(1 + int(rng.random() * 3)):
            page = PAGES[int(rng.random() * len(PAGES))]
            ev.append((ids.next(), anon, logged, "page_view", self.ts(t), f"https://shop.example.com{page}",
                       "", "", "", ""))
            t += 5 + int(rng.random() * 115)
        if account_id:
            logged = account_id
            ev.append((ids.next(), anon, logged, "login", self.ts(t), "https://shop.example.com/login",
                       "", "", "", ""))
            t += 5 + int(rng.random() * 55)
            if rng.random() < 0.5:
                logged = ""  # most trackers only put the account on the login event
        for sku in skus:
            ev.append((ids.next(), anon, logged, "add_to_cart", self.ts(t), f"https://shop.example.com/p/{sku}",
                       sku, "", "", ""))
            t += 10 + int(rng.random() * 190)

    def _feedback(self, p, since, seen_emails, anon):
        rng = self.rng
        st = R.STYLES["form"]
        em = R.email(p, rng, st)
        first, last = R.name(p, rng, st)
        t = self.when(since)
        msg = FEEDBACK[int(rng.random() * len(FEEDBACK))]
        anon = anon or self._anon_id()
        self._browser_truth(anon, p)
        self.buf["web/events"].append((self.ids["wev"].next(), anon, "", "feedback_form",
                                       self.ts(t), "https://shop.example.com/contact", "", em,
                                       f"{first} {last}".strip(), msg))
        if em:
            seen_emails.append((em, t, "webshop_form"))

    # stores --------------------------------------------------------------------------------------
    def _pos(self, p, since, cards, seen_phones):
        rng = self.rng
        ids = self.ids
        st = R.STYLES["pos"]
        factor = P.PRICE_FACTOR[p.country]
        cur = P.CURRENCY[p.country]
        stores = self.stores[p.addr[0][0]]
        n = 1 + min(int(rng.expovariate(0.55)), 7)
        for habit_time in self._habit(p).times(n, since):
            rid = ids["receipt"].next()
            card = None
            if cards:
                mid, card_id, enrolled = cards[-1] if rng.random() < 0.8 else cards[0]
                # the main stream's draws as before: whether the card is used, and when a phone given
                # at the till is seen, stay as they were; the habit says when, never before the card
                seen_at = self.when(enrolled if rng.random() < 0.9 else since)
                if seen_at >= enrolled and rng.random() < 0.88:
                    card = (mid, card_id)
                t = max(habit_time, enrolled) if card else habit_time
            else:
                seen_at = self.when(since)
                t = habit_time
            ph = ""
            if card is None and rng.random() < (0.3 if cards else 0.45):
                nsn = R.phone_nsn(p, rng, st)
                if nsn:
                    ph = R.phone_text(p.country, nsn, rng)
                    seen_phones.append((ph, nsn, seen_at, "store"))
            store = stores[int(rng.random() * len(stores))] if rng.random() < 0.93 else self.all_stores[
                int(rng.random() * len(self.all_stores))]
            lines, total = catalog.lines(rng, factor, 5, self._habit(p).weights)
            self.buf["pos/receipts"].append((rid, store, self.ts(t), card[1] if card else "", ph, total, cur,
                                             _weighted(PAYMENT, rng.random())))
            rl = self.buf["pos/receipt_lines"]
            for i, line in enumerate(lines, 1):
                rl.append((rid, str(i), *line))
            if card or ph:
                self.truth(("pos", "receipts"), rid, p)
            if card:
                pts = max(1, int(float(total) / factor))
                pt = self.buf["loyalty/point_transactions"]
                pt.append((ids["pt"].next(), card[0], card[1], str(pts), "earn", rid, self.ts(t + 1)))
                if rng.random() < 0.12:
                    pt.append((ids["pt"].next(), card[0], card[1], str(-min(pts * 3, 500)), "redeem", "",
                               self.ts(self.when(t))))
                elif rng.random() < 0.04:
                    pt.append((ids["pt"].next(), card[0], card[1], str(-pts), "expire", "",
                               self.ts(min(t + 365 * DAY, self.end_sec - 1))))
                elif rng.random() < 0.01:
                    pt.append((ids["pt"].next(), card[0], card[1], str(rng.choice((50, 100, -20))), "adjust",
                               "", self.ts(self.when(t))))

    def anonymous_receipt(self) -> None:
        """A walk-in customer the stores cannot identify (no card, no phone; no truth row)."""
        rng = self.rng
        country = P.pick_country(rng, self.countries)
        rid = self.ids["receipt"].next()
        city = P.CITY_PICKERS[country].pick(rng)
        stores = self.stores[city[0]]
        lines, total = catalog.lines(rng, P.PRICE_FACTOR[country], 5)
        store = stores[int(rng.random() * len(stores))]
        self.buf["pos/receipts"].append((rid, store, self.ts(self.when(0)), "", "", total,
                                         P.CURRENCY[country], _weighted(PAYMENT, rng.random())))
        rl = self.buf["pos/receipt_lines"]
        for i, line in enumerate(lines, 1):
            rl.append((rid, str(i), *line))

    def anonymous_visit(self) -> None:
        self._session(self._anon_id(), "", self.when(0), [])

    # call centre ---------------------------------------------------------------------------------
    def _calls(self, p, since):
        rng = self.rng
        st = R.STYLES["call"]
        r = rng.random()
        for _ in range(1 if r < 0.6 else 2 if r < 0.9 else 3):
            cid = self.ids["call"].next()
            ph = R.phone(p, rng, st) if rng.random() < 0.9 else ""
            name = R.caller_name(p, rng)
            if not ph and not name:
                name = R.name(p, rng, st)[1]
            if p.patronymic and random.Random(f"polite:{cid}").random() < 0.15:
                # an agent's polite form of address: name and patronymic, no surname
                full = p.first[0] if random.Random(f"script:{cid}").random() < 0.55 else N.translit(p.first[0],
                                                                                                  p.translit)
                name = R.with_patronymic(p, full, cid, 1.0)
            t = self.when(since)
            inbound = rng.random() < 0.8
            outcome = (_weighted(OUTCOMES, rng.random()) if inbound
                       else rng.choice(("sale", "no_answer", "callback")))
            dur = 0 if outcome == "no_answer" else int(rng.lognormvariate(5.2, 0.8))
            url = f"https://rec.callcentre.example/{cid}.mp3" if dur and rng.random() < 0.7 else ""
            self.buf["callcentre/calls"].append((cid, ph, name, "inbound" if inbound else "outbound",
                                                 self.ts(t), str(dur), outcome,
                                                 f"AG{100 + int(rng.random() * 300)}", url))
            self.truth(("callcentre", "calls"), cid, p)

    # messenger -----------------------------------------------------------------------------------
    def _messenger(self, p, since, seen_phones):
        rng = self.rng
        st = R.STYLES["messenger"]
        for _ in range(1 if rng.random() < 0.75 else 2):
            cid = self.ids["conv"].next()
            platform = _weighted(PLATFORMS[p.country], rng.random())
            phone_based = platform in ("whatsapp", "viber")
            with_phone = phone_based or (platform == "telegram" and rng.random() < 0.3)
            nsn = R.phone_nsn(p, rng, st) if with_phone else None
            ph = ""
            if nsn:
                ph = P.e164(p.country, nsn) if rng.random() < 0.7 else R.phone_text(p.country, nsn, rng)
            hd = "" if phone_based and rng.random() < 0.8 else self.handle(p, platform)
            if not ph and not hd:
                hd = self.handle(p, platform)
            t = self.when(since)
            t2 = self.when(t, min(t + 30 * DAY, self.end_sec))
            self.buf["messenger/conversations"].append((cid, platform, hd, ph, R.display_name(p, rng),
                                                        self.ts(t), self.ts(t2),
                                                        str(1 + int(rng.expovariate(0.1)))))
            self.truth(("messenger", "conversations"), cid, p)
            if ph:
                seen_phones.append((ph, nsn, t, "messenger"))

    def handle(self, p, platform: str) -> str:
        """The person's handle on a platform. The handle a person would choose is spelled from
        the name, so namesakes want the same one; the platform gives it to the first and a
        later namesake adds digits ('@elena_p', then '@elena_p42'). Across platforms the
        same handle may still be two people."""
        mine = self._handle_of.get((platform, p.pid))
        if mine is not None:
            return mine
        wanted, num = R.handle(p, platform), int(p.pid[1:])
        for candidate in (wanted, f"{wanted}{num % 100}", f"{wanted}{num % 10000}", f"{wanted}_{num}"):
            if (platform, candidate.lower()) not in self._handles_taken:
                break
        self._handles_taken.add((platform, candidate.lower()))
        self._handle_of[(platform, p.pid)] = candidate
        return candidate

    # consent and campaigns -----------------------------------------------------------------------
    def _consent(self, email: str, phone: str, channel: str, purpose: str, status: str, t: int, where: str):
        self.buf["consent/events"].append((self.ids["consent"].next(), email, phone, channel, purpose, status,
                                           self.ts(t), where))

    def _consent_and_campaigns(self, p, seen_emails, seen_phones, messenger: bool) -> None:
        rng = self.rng
        done: set[str] = set()
        for em, t, where in seen_emails:
            key = em.lower()
            if key in done or rng.random() > 0.7:
                continue
            done.add(key)
            self._consent(em, "", "email", "marketing", "granted", t, where)
            if rng.random() < 0.25:
                self._consent(em, "", "email", "profiling", "granted", t + 1, where)
            if rng.random() < 0.15:
                self._consent(em, "", "post", "marketing", "granted", t + 2, where)
            stop = self.end_sec
            if rng.random() < 0.12:
                stop = self.when(t)
                self._consent(em, "", "email", "marketing", "withdrawn", stop,
                              rng.choice(("email_unsubscribe", "preference_centre", "callcentre", "crm")))
            self._emails(p, em, t, stop)
        done = set()
        for ph, nsn, t, where in seen_phones:
            key = nsn or ph
            if key in done:
                continue
            done.add(key)
            if rng.random() < 0.5:
                self._consent("", ph, "sms", "marketing", "granted", t, where)
                stop = self.end_sec
                if rng.random() < 0.1:
                    stop = self.when(t)
                    self._consent("", ph, "sms", "marketing", "withdrawn", stop,
                                  rng.choice(("sms_stop", "callcentre")))
                self._sms(p, ph, nsn, t, stop)
            if rng.random() < 0.15:
                self._consent("", ph, "phone", rng.choice(("marketing", "service")), "granted", t, where)
            if messenger and where == "messenger" and rng.random() < 0.4:
                self._consent("", ph, "messenger", "service", "granted", t, "messenger")

    def _pick_campaigns(self, secs: list[int], lo: int, hi: int, q: float):
        rng = self.rng
        i = bisect.bisect_left(secs, lo)
        j = bisect.bisect_left(secs, hi)
        log_q = math.log(1.0 - q)
        i += int(math.log(1.0 - rng.random()) / log_q)
        while i < j:
            yield i
            i += 1 + int(math.log(1.0 - rng.random()) / log_q)

    def _emails(self, p, em: str, lo: int, hi: int) -> None:
        rng = self.rng
        ids = self.ids
        msgs = self.buf["email/messages"]
        evs = self.buf["email/events"]
        bad = em.lower() not in {e.lower() for e in (*p.emails, p.work_email, p.family_email) if e}
        last = None
        for i in self._pick_campaigns(self.email_secs, lo, hi, 0.08):
            sec, cid, cname, subject = self.email_campaigns[i]
            mid = ids["email"].next()
            sent = sec + int(rng.random() * 1800)
            msgs.append((mid, cid, cname, em, subject, self.ts(sent)))
            self.truth(("email", "messages"), mid, p)
            last = (mid, sent)
            if bad or rng.random() < 0.03:
                evs.append((ids["eev"].next(), mid, "bounced", self.ts(sent + 5), ""))
                continue
            evs.append((ids["eev"].next(), mid, "delivered", self.ts(sent + 2), ""))
            if rng.random() < 0.28:
                t = sent + int(rng.expovariate(1 / 20000))
                evs.append((ids["eev"].next(), mid, "opened", self.ts(t), ""))
                if rng.random() < 0.2:
                    evs.append((ids["eev"].next(), mid, "clicked", self.ts(t + 5 + int(rng.random() * 295)),
                                f"https://shop.example.com/promo/{cid.lower()}"))
        if last and hi < self.end_sec and rng.random() < 0.7:
            evs.append((ids["eev"].next(), last[0], "unsubscribed", self.ts(max(hi, last[1] + 60)), ""))

    def _sms(self, p, ph: str, nsn: str | None, lo: int, hi: int) -> None:
        rng = self.rng
        ids = self.ids
        msgs = self.buf["sms/messages"]
        evs = self.buf["sms/events"]
        for i in self._pick_campaigns(self.sms_secs, lo, hi, 0.12):
            sec, cid, cname = self.sms_campaigns[i]
            mid = ids["sms"].next()
            sent = sec + int(rng.random() * 900)
            to = P.e164(p.country, nsn) if nsn and rng.random() < 0.7 else ph
            msgs.append((mid, cid, cname, to, self.ts(sent)))
            self.truth(("sms", "messages"), mid, p)
            if rng.random() < 0.05:
                evs.append((ids["sev"].next(), mid, "bounced", self.ts(sent + 3), ""))
                continue
            evs.append((ids["sev"].next(), mid, "delivered", self.ts(sent + 3), ""))
            if rng.random() < 0.06:
                evs.append((ids["sev"].next(), mid, "clicked", self.ts(sent + 60 + int(rng.random() * 7140)),
                            f"https://shop.example.com/s/{cid.lower()}"))
            elif rng.random() < 0.01:
                t = sent + 60 + int(rng.random() * 7140)
                evs.append((ids["sev"].next(), mid, "unsubscribed", self.ts(t), ""))
