"""Name pools, nicknames, transliteration and spelling noise for the sample generator.

Pools are ordered by frequency; :class:`Zipf` turns that order into a skewed
(Zipf-like) distribution so that many different people share a name.
"""

from __future__ import annotations

import bisect
import random

# --------------------------------------------------------------------------------------------
# frequency-skewed picking


class Zipf:
    """Pick items of a frequency-ordered list with weight ``1 / (rank + 1) ** s``.

    ``tail`` items share ``tail_share`` of the probability evenly: real name distributions
    have a head of very common names and a long tail of rare ones, so the most common
    surname is carried by 1-2% of people, not by a fifth of them.
    """

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, s: float = 1.0, tail=(), tail_share: float = 0.0):
        head = list(items)
        self.items = head + [t for t in tail if t not in set(head)]
        head_weights = [1.0 / (rank + 1) ** s for rank in range(len(head))]
        n_tail = len(self.items) - len(head)
        head_total = sum(head_weights)
        tail_weight = head_total * tail_share / (1 - tail_share) / n_tail if n_tail else 0.0
        cum, acc = [], 0.0
        for weight in head_weights + [tail_weight] * n_tail:
            acc += weight
            cum.append(acc)
        self.cum = cum
        self.total = acc

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --------------------------------------------------------------------------------------------
# Russian names: (full form, diminutives, extra Latin spellings)

RU_MALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Александр", ("Саша", "Шура"), ("Alexander", "Alex")),
    ("Сергей", ("Серёжа",), ("Sergei", "Serge")),
    ("Дмитрий", ("Дима",), ("Dmitri",)),
    ("Андрей", ("Андрюша",), ("Andrei",)),
    ("Алексей", ("Лёша",), ("Alexey", "Alexei")),
    ("Иван", ("Ваня",), ()),
    ("Максим", ("Макс",), ()),
    ("Евгений", ("Женя",), ("Eugene",)),
    ("Михаил", ("Миша",), ("Michael",)),
    ("Владимир", ("Вова", "Володя"), ()),
    ("Николай", ("Коля",), ("Nikolai",)),
    ("Павел", ("Паша",), ("Paul",)),
    ("Игорь", (), ()),
    ("Артём", ("Тёма",), ("Artyom",)),
    ("Денис", ("Дэн",), ()),
    ("Олег", (), ()),
    ("Виктор", ("Витя",), ()),
    ("Юрий", ("Юра",), ("Yuri",)),
    ("Константин", ("Костя",), ()),
    ("Антон", ("Тоша",), ()),
    ("Роман", ("Рома",), ()),
    ("Никита", (), ()),
    ("Илья", ("Илюша",), ()),
    ("Кирилл", (), ("Cyril",)),
    ("Вадим", (), ()),
    ("Григорий", ("Гриша",), ()),
    ("Анатолий", ("Толя",), ()),
    ("Валерий", ("Валера",), ()),
    ("Станислав", ("Стас",), ()),
    ("Георгий", ("Гоша", "Жора"), ("George",)),
    ("Фёдор", ("Федя",), ("Fyodor",)),
    ("Степан", ("Стёпа",), ()),
    ("Пётр", ("Петя",), ("Peter",)),
    ("Геннадий", ("Гена",), ()),
    ("Тимур", (), ()),
)

RU_FEMALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Елена", ("Лена",), ("Helen", "Yelena")),
    ("Ольга", ("Оля",), ()),
    ("Наталья", ("Наташа",), ("Natalia", "Natalie")),
    ("Татьяна", ("Таня",), ("Tatiana",)),
    ("Ирина", ("Ира",), ()),
    ("Светлана", ("Света",), ()),
    ("Анна", ("Аня",), ("Ann",)),
    ("Мария", ("Маша",), ("Mary",)),
    ("Екатерина", ("Катя",), ("Katerina", "Catherine")),
    ("Юлия", ("Юля",), ("Julia",)),
    ("Анастасия", ("Настя",), ()),
    ("Марина", (), ()),
    ("Людмила", ("Люда",), ()),
    ("Галина", ("Галя",), ()),
    ("Надежда", ("Надя",), ()),
    ("Валентина", ("Валя",), ()),
    ("Ксения", ("Ксюша",), ("Xenia",)),
    ("Дарья", ("Даша",), ()),
    ("Виктория", ("Вика",), ()),
    ("Алина", (), ()),
    ("Евгения", ("Женя",), ("Eugenia",)),
    ("Александра", ("Саша",), ("Alexandra",)),
    ("Оксана", (), ()),
    ("Вера", (), ()),
    ("Любовь", ("Люба",), ()),
    ("Полина", ("Поля",), ()),
    ("Софья", ("Соня",), ("Sofia", "Sophia")),
    ("Кристина", (), ("Christina",)),
    ("Лариса", (), ()),
    ("Нина", (), ()),
)

RU_SURNAMES: tuple[str, ...] = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
    "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв",
    "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов",
    "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв",
    "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров",
    "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов", "Громов",
    "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков",
    "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов", "Михеев", "Скворцов",
    "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев", "Цветков",
    "Левин", "Митрофанов", "Воронцов", "Фадеев", "Островский", "Вишневский", "Покровский",
    "Шевченко", "Бондаренко", "Ткаченко", "Коваленко", "Ким", "Толстой", "Луговой",
)

# --------------------------------------------------------------------------------------------
# Romanian / Moldovan names (canonical spelling with comma-below ș ț)

RO_MALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Andrei", (), ()),
    ("Alexandru", ("Alex", "Sandu"), ()),
    ("Ion", ("Ionel", "Ionuț", "Nelu"), ("Ioan",)),
    ("Mihai", ("Mihăiță",), ("Mihail",)),
    ("Gheorghe", ("Ghiță", "George"), ()),
    ("Vasile", ("Vasilică",), ()),
    ("Constantin", ("Costel", "Costică", "Costi"), ()),
    ("Ștefan", ("Fane", "Ștefănel"), ()),
    ("Nicolae", ("Nicu",), ()),
    ("Dumitru", ("Mitică",), ()),
    ("Gabriel", ("Gabi",), ()),
    ("Florin", (), ()),
    ("Adrian", (), ()),
    ("Cristian", ("Cristi",), ()),
    ("Daniel", ("Dani",), ()),
    ("Marius", (), ()),
    ("Bogdan", (), ()),
    ("Răzvan", (), ()),
    ("Victor", (), ()),
    ("Sergiu", (), ()),
    ("Vlad", (), ()),
    ("Radu", (), ()),
    ("Dorin", (), ()),
    ("Petru", ("Petrică",), ("Petre",)),
    ("Iurie", (), ()),
    ("Vitalie", (), ()),
    ("Valeriu", (), ()),
    ("Tudor", (), ()),
    ("Octavian", ("Tavi",), ()),
    ("Cătălin", (), ()),
)

RO_FEMALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Elena", ("Lena", "Ela"), ()),
    ("Maria", ("Mărioara", "Mia"), ()),
    ("Ioana", ("Oana",), ()),
    ("Ana", ("Anca",), ()),
    ("Andreea", (), ()),
    ("Cristina", ("Cristi",), ()),
    ("Mihaela", ("Mihaelă",), ()),
    ("Gabriela", ("Gabi",), ()),
    ("Alexandra", ("Alexa", "Ale"), ()),
    ("Daniela", ("Dana",), ()),
    ("Ana-Maria", ("Ana",), ("Anamaria",)),
    ("Georgiana", ("Gina",), ()),
    ("Alina", (), ()),
    ("Simona", (), ()),
    ("Ramona", (), ()),
    ("Nicoleta", ("Nicol",), ()),
    ("Florentina", ("Florina",), ()),
    ("Adriana", (), ()),
    ("Irina", (), ()),
    ("Natalia", (), ()),
    ("Tatiana", ("Tania",), ()),
    ("Raluca", (), ()),
    ("Diana", (), ()),
    ("Larisa", (), ()),
    ("Doina", (), ()),
    ("Ludmila", ("Lucia",), ()),
    ("Svetlana", ("Sveta",), ()),
    ("Victoria", ("Vica",), ()),
    ("Ecaterina", ("Cati",), ()),
    ("Aurelia", (), ()),
)

# Long tails of rarer surnames built from common roots and suffixes (Волк + -ов/-ин/-ский,
# Bogd + -an/-escu/-eanu): not every one is a real surname, but their frequencies are.
_RU_ROOTS = (
    "Абрам", "Агап", "Акул", "Алфер", "Баран", "Бел", "Бобр", "Бор", "Бык", "Ветр", "Вишн", "Влас",
    "Ворон", "Гал", "Гвозд", "Голуб", "Горб", "Грач", "Гром", "Гул", "Дем", "Дроб", "Дуб", "Ерш",
    "Жар", "Жук", "Журавл", "Зим", "Злоб", "Зуб", "Игнат", "Каз", "Калин", "Карп", "Кир", "Клим",
    "Ковал", "Комар", "Корол", "Кос", "Котл", "Крот", "Кудр", "Лап", "Лис", "Лук", "Мак", "Мал",
    "Мартын", "Мед", "Мел", "Мир", "Мох", "Мур", "Наум", "Овчинник", "Окун", "Орех", "Пан", "Пест",
    "Полян", "Попк", "Прох", "Пуш", "Рад", "Рог", "Род", "Руб", "Рыж", "Сав", "Сам", "Сват", "Сед",
    "Син", "Скор", "Слав", "Сок", "Сол", "Сор", "Стар", "Сыч", "Тар", "Тих", "Тол", "Трет", "Тум",
    "Уль", "Фил", "Хар", "Хом", "Цвет", "Чер", "Чиж", "Шар", "Шест", "Щук", "Юр", "Ярц", "Бажен",
    "Вахр", "Гордеен", "Дорофе", "Елис", "Ждан", "Зыр", "Исак", "Кондрат", "Лавр", "Мишур", "Нефед",
)
RU_SURNAME_TAIL: tuple[str, ...] = tuple(root + suffix for root in _RU_ROOTS for suffix in ("ов", "ин", "ский"))

_RO_ROOTS = (
    "Bogd", "Cost", "Dragom", "Manol", "Neag", "Pavel", "Sandul", "Stroe", "Vlad", "Zamfir", "Bucur",
    "Căpr", "Dobr", "Frunz", "Gavril", "Hâr", "Iord", "Jitar", "Lup", "Mărg", "Nedelc", "Olar", "Pătr",
    "Răduc", "Sav", "Tănas", "Ungur", "Vornic", "Albu", "Bratu", "Cazac", "Dascăl", "Enach", "Fier",
    "Grig", "Husar", "Ilie", "Lăpuș", "Mocan", "Negru", "Onu", "Pascal", "Roman", "Sârb", "Tican",
    "Vasil", "Zaharia", "Baci", "Cojoc", "Damian", "Filip", "Ghiț", "Ivan", "Leah", "Moș", "Nicul",
)
RO_SURNAME_TAIL: tuple[str, ...] = tuple(root + suffix for root in _RO_ROOTS
                                         for suffix in ("escu", "eanu", "aru", "an", "u"))

RO_SURNAMES: tuple[str, ...] = (
    "Popescu", "Popa", "Pop", "Radu", "Ionescu", "Dumitru", "Stan", "Stoica", "Gheorghe",
    "Matei", "Ciobanu", "Rusu", "Munteanu", "Constantin", "Mihai", "Dinu", "Șerban", "Lungu",
    "Diaconu", "Marin", "Toma", "Moldovan", "Tudor", "Barbu", "Florea", "Nistor", "Dumitrescu",
    "Oprea", "Cristea", "Ene", "Lazăr", "Ursu", "Vasile", "Georgescu", "Stănescu", "Anghel",
    "Neagu", "Roman", "Iordache", "Cojocaru", "Rotaru", "Ceban", "Țurcanu", "Bălan", "Botnaru",
    "Sârbu", "Grosu", "Cazacu", "Guțu", "Mocanu", "Moraru", "Postolache", "Cebotari", "Roșca",
    "Bîrcă", "Melnic", "Țîbuleac", "Chiriac", "Crăciun", "Dobre", "Ardeleanu", "Negru",
    "Preda", "Zamfir", "Voicu", "Sandu", "Manole", "Coman", "Surdu", "Ilie",
)

MD_SURNAMES: tuple[str, ...] = (
    "Rusu", "Ceban", "Ciobanu", "Țurcanu", "Cojocaru", "Lungu", "Rotaru", "Munteanu", "Bălan",
    "Sârbu", "Popa", "Moraru", "Cebotari", "Grosu", "Roșca", "Botnaru", "Guțu", "Bîrcă",
    "Cazacu", "Postolache", "Melnic", "Popescu", "Țîbuleac", "Chiriac", "Ursu", "Cristea",
    "Mocanu", "Toma", "Rață", "Gîrlea", "Plămădeală", "Lupu", "Sîrbu", "Vieru", "Corcodel",
)


def feminine_ru(surname: str) -> str:
    """Feminine form of a Russian surname (Иванов -> Иванова, Островский -> Островская)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname


_PATRONYMIC_STEMS = {"Павел": "Павл", "Лев": "Льв", "Пётр": "Петр", "Дмитрий": "Дмитри", "Михаил": "Михайл",
                     "Георгий": "Георги"}


def patronymic_ru(father: str, gender: str) -> str:
    """A Russian patronymic from the father's first name: Иван -> Иванович / Ивановна,
    Сергей -> Сергеевич, Евгений -> Евгеньевич, Игорь -> Игоревич, Илья -> Ильич / Ильинична."""
    male = gender == "M"
    if father in _PATRONYMIC_STEMS:
        stem = _PATRONYMIC_STEMS[father]
        return stem + ("евич" if stem.endswith("и") else "ович") if male else stem + (
            "евна" if stem.endswith("и") else "овна")
    if father.endswith("ий"):
        return father[:-2] + ("ьевич" if male else "ьевна")
    if father.endswith(("ей", "ай")):
        return father[:-1] + ("евич" if male else "евна")
    if father.endswith("ь"):
        return father[:-1] + ("евич" if male else "евна")
    if father.endswith(("а", "я")):
        return father[:-1] + ("ич" if male else "ична") if not father.endswith("ья") else father[:-2] + (
            "ьич" if male else "ьинична")
    return father + ("ович" if male else "овна")


# --------------------------------------------------------------------------------------------
# transliteration of Cyrillic (several real-world systems)

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
}
_SYSTEMS: dict[str, dict[str, str]] = {
    # popular / old passport spelling: Evgeny Fadeev, Yulia
    "simple": {**_COMMON, "е": "e", "ё": "e", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
               "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"},
    # ICAO / current Russian passports: Evgenii Fadeev, Iuliia
    "icao": {**_COMMON, "е": "e", "ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch",
             "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia"},
    # BGN/PCGN: Yevgeniy Fadeyev, Yuliya
    "bgn": {**_COMMON, "е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
            "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"},
    # Romanian-phonetic spelling common in Moldova: Evghenii, Serghei, Iulia
    "ro": {**_COMMON, "е": "e", "ё": "io", "ж": "j", "й": "i", "х": "h", "ц": "ț", "ч": "ci",
           "ш": "ș", "щ": "șci", "ъ": "", "ы": "î", "ь": "", "э": "e", "ю": "iu", "я": "ia"},
}
TRANSLIT_SYSTEMS = ("simple", "icao", "bgn", "ro")
_VOWELS = set("аеёиоуыэюяъь")
_CYR = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_cache: dict[tuple[str, str], str] = {}


def is_cyrillic(text: str) -> bool:
    return any(ch.lower() in _CYR for ch in text)


def _translit_word(word: str, system: str) -> str:
    table = _SYSTEMS[system]
    low = word.lower()
    out: list[str] = []
    n = len(low)
    i = 0
    while i < n:
        ch = low[i]
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < n else ""
        at_end = i + 2 == n
        if ch == "и" and nxt == "й" and at_end:  # -ий endings
            out.append({"simple": "y", "icao": "ii", "bgn": "iy", "ro": "ii"}[system])
            i += 2
            continue
        if ch == "ь" and nxt == "я":
            out.append({"simple": "ya", "icao": "ia", "bgn": "ya", "ro": "ia"}[system])
            i += 2
            continue
        if ch == "и" and nxt == "я" and system in ("simple", "ro"):
            out.append("ia")
            i += 2
            continue
        if ch == "и" and nxt == "я" and system == "icao":
            out.append("iia")
            i += 2
            continue
        if system == "bgn" and ch == "е" and (not prev or prev in _VOWELS):
            out.append("ye")
        elif system == "ro" and ch == "г" and nxt in ("е", "и"):
            out.append("gh")
        elif system == "ro" and ch == "к" and nxt == "с":
            out.append("x")
            i += 2
            continue
        elif system == "ro" and ch == "ч" and nxt not in ("е", "и", "ё", "ю", "я"):
            out.append("ci")
        elif system == "ro" and ch == "ч":
            out.append("c")
        elif ch in table:
            out.append(table[ch])
        else:
            out.append(ch)
        i += 1
    res = "".join(out)
    if word[:1].isupper():
        res = res[:1].upper() + res[1:]
    if word.isupper() and len(word) > 1:
        res = res.upper()
    return res


def translit(text: str, system: str) -> str:
    """Transliterate Cyrillic text with one of :data:`TRANSLIT_SYSTEMS` (cached)."""
    key = (text, system)
    res = _cache.get(key)
    if res is None:
        parts = []
        word: list[str] = []
        for ch in text:
            if ch.lower() in _CYR:
                word.append(ch)
            else:
                if word:
                    parts.append(_translit_word("".join(word), system))
                    word = []
                parts.append(ch)
        if word:
            parts.append(_translit_word("".join(word), system))
        res = "".join(parts)
        if system != "ro":
            res = strip_diacritics(res)
        _cache[key] = res
    return res


# --------------------------------------------------------------------------------------------
# Romanian diacritics

_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})
_STRIP = str.maketrans({"ș": "s", "ț": "t", "Ș": "S", "Ț": "T", "ş": "s", "ţ": "t", "Ş": "S", "Ţ": "T",
                        "ă": "a", "Ă": "A", "â": "a", "Â": "A", "î": "i", "Î": "I", "ё": "е", "Ё": "Е"})


def cedilla(text: str) -> str:
    """Write Romanian ș/ț with the (wrong but common) cedilla: ş/ţ."""
    return text.translate(_CEDILLA)


def strip_diacritics(text: str) -> str:
    return text.translate(_STRIP)


def ro_variant(text: str, mode: int) -> str:
    """0 = correct comma-below, 1 = cedilla, 2 = stripped."""
    if mode == 0:
        return text
    if mode == 1:
        return text.translate(_CEDILLA)
    return text.translate(_STRIP)


_RO_TO_CYR = {
    "a": "а", "ă": "э", "â": "ы", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г",
    "h": "х", "i": "и", "î": "ы", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
    "p": "п", "r": "р", "s": "с", "ș": "ш", "t": "т", "ț": "ц", "u": "у", "v": "в", "x": "кс",
    "z": "з", "y": "й", "w": "в", "q": "к", "-": "-",
}


def ro_to_cyrillic(text: str) -> str:
    """Rough Cyrillic spelling of a Romanian name, as a Russian-speaking clerk would type it."""
    key = (text, "ro2cyr")
    res = _cache.get(key)
    if res is None:
        low = text.lower().replace("ce", "че").replace("ci", "чи").replace("ge", "дже").replace("gi", "джи")
        low = low.replace("che", "ке").replace("chi", "ки").replace("ghe", "ге").replace("ghi", "ги")
        low = low.replace("ia", "ия").replace("iu", "ю").replace("ea", "я")
        res = "".join(_RO_TO_CYR.get(ch, ch) for ch in low)
        res = " ".join(w[:1].upper() + w[1:] for w in res.split(" "))
        res = "-".join(w[:1].upper() + w[1:] for w in res.split("-"))
        _cache[key] = res
    return res


# --------------------------------------------------------------------------------------------
# typing noise

_LAT = "abcdefghijklmnopqrstuvwxyz"
_CYR_LETTERS = "абвгдежзиклмнопрстуфхцчшщыэюя"


def typo(text: str, rng: random.Random) -> str:
    """One random keyboard error: swap, drop, insert or substitute a letter."""
    if len(text) < 3:
        return text
    i = (1 + int(rng.random() * (len(text) - 1 - 1)))
    op = int(rng.random() * 4)
    if op == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if op == 1:
        return text[:i] + text[i + 1:]
    alphabet = _CYR_LETTERS if is_cyrillic(text) else _LAT
    ch = alphabet[int(rng.random() * len(alphabet))]
    if text[i].isupper() or (text[i] == " " and text.isupper()):
        ch = ch.upper()
    if op == 2:
        return text[:i] + ch + text[i:]
    return text[:i] + ch + text[i + 1:]


def case_noise(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return text.upper()
    if r < 0.8:
        return text.lower()
    return text.title()
