"""British people for the generator: a population the matching model was never tuned on.

The identity issue asks that matching generalise to exports with other name distributions.
The default population is Russian, Romanian and Moldovan; ``--countries GB`` draws people
from these pools instead: English given names with their nicknames and spelling variants
(Stephen / Steven, Catherine / Katherine / Kathryn, Mohammed / Muhammad), a surname head
as skewed as the real one (Smith ~1%) with a long tail of place-name surnames, UK cities
with their postcode areas, street types written out or abbreviated (Road / Rd), flats,
and UK phone formats, including the '+44 (0)' that people type.
"""

from __future__ import annotations

import random

# (full form, nicknames, other spellings), most common first
MALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("David", ("Dave",), ()), ("John", ("Johnny", "Jack"), ("Jon",)), ("Michael", ("Mike", "Mick"), ()),
    ("James", ("Jim", "Jamie", "Jimmy"), ()), ("Paul", (), ()), ("Robert", ("Bob", "Rob", "Bobby"), ()),
    ("Andrew", ("Andy", "Drew"), ()), ("Mark", (), ("Marc",)), ("Richard", ("Rich", "Richie", "Dick"), ()),
    ("Peter", ("Pete",), ()), ("Christopher", ("Chris",), ()), ("Stephen", ("Steve",), ("Steven",)),
    ("William", ("Bill", "Will", "Billy"), ()), ("Thomas", ("Tom", "Tommy"), ()), ("Daniel", ("Dan", "Danny"), ()),
    ("Matthew", ("Matt",), ("Mathew",)), ("Anthony", ("Tony",), ("Antony",)), ("Ian", (), ("Iain",)),
    ("Simon", (), ()), ("Martin", (), ()), ("Gary", (), ("Garry",)), ("Kevin", ("Kev",), ()),
    ("Alan", (), ("Allan", "Allen")), ("Jonathan", ("Jon", "Jonny"), ()), ("Brian", (), ("Bryan",)),
    ("Philip", ("Phil",), ("Phillip",)), ("Graham", (), ("Graeme",)), ("Neil", (), ("Neal",)), ("Lee", (), ()),
    ("Jason", (), ()), ("Adam", (), ()), ("Benjamin", ("Ben",), ()), ("Joseph", ("Joe",), ()),
    ("Samuel", ("Sam",), ()), ("Edward", ("Ed", "Eddie", "Ted"), ()), ("Nicholas", ("Nick",), ("Nicolas",)),
    ("Timothy", ("Tim",), ()), ("Jack", (), ()), ("Oliver", ("Ollie",), ()), ("Harry", (), ()),
    ("George", (), ()), ("Charles", ("Charlie",), ()), ("Luke", (), ()), ("Ryan", (), ()),
    ("Mohammed", (), ("Muhammad", "Mohammad", "Mohamed")), ("Sean", (), ("Shaun", "Shawn")),
    ("Patrick", ("Pat", "Paddy"), ()), ("Craig", (), ()), ("Stuart", ("Stu",), ("Stewart",)), ("Keith", (), ()),
    ("Colin", (), ()), ("Barry", (), ()), ("Terence", ("Terry",), ()), ("Francis", ("Frank",), ()),
    ("Lewis", (), ("Louis",)), ("Alexander", ("Alex",), ()), ("Nathan", ("Nate",), ()), ("Liam", (), ()),
    ("Aaron", (), ()), ("Dominic", ("Dom",), ()), ("Gareth", (), ()), ("Rhys", (), ("Reece",)), ("Owen", (), ()),
    ("Joshua", ("Josh",), ()), ("Kieran", (), ("Ciaran",)), ("Ravi", (), ()), ("Imran", (), ()),
)
FEMALE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Sarah", (), ("Sara",)), ("Susan", ("Sue",), ()), ("Elizabeth", ("Liz", "Beth", "Lizzie"), ("Elisabeth",)),
    ("Margaret", ("Maggie", "Peggy"), ()), ("Karen", (), ()), ("Julie", (), ()), ("Helen", (), ()),
    ("Emma", (), ()), ("Claire", (), ("Clare",)), ("Catherine", ("Cathy", "Kate"), ("Katherine", "Kathryn")),
    ("Nicola", ("Nicky",), ()), ("Rachel", (), ()), ("Lisa", (), ()), ("Jennifer", ("Jenny", "Jen"), ()),
    ("Deborah", ("Debbie",), ("Debra",)), ("Patricia", ("Pat", "Trish"), ()), ("Joanne", ("Jo",), ("Joanna",)),
    ("Amanda", ("Mandy",), ()), ("Jane", (), ()), ("Louise", (), ()), ("Rebecca", ("Becky",), ()),
    ("Victoria", ("Vicky",), ()), ("Michelle", (), ()), ("Laura", (), ()), ("Samantha", ("Sam",), ()),
    ("Charlotte", ("Charlie", "Lottie"), ()), ("Emily", (), ()), ("Hannah", (), ("Hanna",)),
    ("Jessica", ("Jess",), ()), ("Sophie", (), ()), ("Lucy", (), ()), ("Amy", (), ()), ("Anne", ("Annie",), ("Ann",)),
    ("Mary", (), ()), ("Christine", ("Chris",), ()), ("Alison", ("Ali",), ("Allison",)),
    ("Gillian", ("Gill",), ("Jillian",)), ("Kathleen", ("Kath",), ()), ("Angela", ("Angie",), ()),
    ("Tracey", (), ("Tracy",)), ("Dawn", (), ()), ("Wendy", (), ()), ("Jacqueline", ("Jackie",), ()),
    ("Lorraine", (), ()), ("Natalie", (), ()), ("Katie", (), ()), ("Chloe", (), ()), ("Olivia", ("Liv",), ()),
    ("Fatima", (), ("Fatimah",)), ("Priya", (), ()), ("Siobhan", (), ()), ("Zoe", (), ()), ("Megan", (), ()),
    ("Abigail", ("Abby",), ()), ("Caroline", (), ()), ("Valerie", ("Val",), ()), ("Pauline", (), ()),
    ("Sandra", ("Sandy",), ()), ("Linda", (), ()), ("Janet", (), ()), ("Carol", (), ("Carole",)),
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
    "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
    "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed",
    "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds", "Saunders",
    "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole", "Atkinson", "Bradley",
    "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose", "Booth", "Perry", "Ryan",
    "Grant", "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett",
    "Webster", "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons",
    "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver",
    "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke", "Bates",
    "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson", "Shepherd", "Ross", "Cross",
    "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald", "Yates", "Hodgson",
    "Robson", "Curtis", "Hopkins", "O'Connor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy",
    "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston",
    "Gordon", "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rowe", "Burke", "May", "Pritchard",
    "Gilbert", "Willis", "Higgins", "Read", "Miles", "Stevenson", "Stephenson", "Hammond", "Arnold",
    "Buckley", "Walters", "Hewitt", "Barber", "Nelson", "Slater", "Austin", "Sullivan", "Whitehead", "Mann",
    "Frost", "Lambert", "Stephens", "Blake", "Akhtar", "Lynch", "Goodwin", "Barton", "Woodward", "Thomson",
    "Cunningham", "Quinn", "Barnett", "Baxter", "Bibi", "Clayton", "Nash", "Greenwood", "Jennings", "Holt",
    "Kemp", "Poole", "Gallagher", "Bond", "Stokes", "Tucker", "Davidson", "Fowler", "Heath", "Norman",
    "Middleton", "Lawson", "Banks", "French", "Stanley", "Jarvis", "Gibbs", "Ferguson", "Hayward", "Carroll",
    "Douglas", "Dickinson", "Todd", "Barlow", "Peters", "Lucas", "Knowles", "Hartley", "Miah", "Simmons",
    "Morton", "Alexander", "Field", "Morrison", "Norris", "Townsend", "Preston", "Hancock", "Thornton",
    "Baldwin", "Burrows", "Briggs", "Storey", "Hyde", "Macdonald", "McKenzie", "Fraser", "Sinclair",
)
# The long tail: place-name surnames (Ashworth, Blackwood, Thornbury ...), each rare.
_TAIL_STARTS = ("Ash", "Black", "Brad", "Brook", "Clay", "Cran", "Dun", "Fair", "Hal", "Hay", "Hol", "Lang",
                "Lin", "Mar", "Mid", "North", "Pem", "Red", "Rock", "Sand", "Shel", "Stan", "Stock", "Thorn",
                "Wal", "Whit", "Win", "Bar", "Bel", "Bur", "Cal", "Ches", "Cot", "Dar", "Els", "Fen", "Gar", "Hep",
                "Kil", "Lock", "Mel", "Mor", "Nor", "Pen", "Rad", "Rip", "Sal", "Sel", "Sud", "War", "Wel")
_TAIL_ENDS = ("ley", "ton", "ford", "worth", "field", "wood", "by", "ham", "well", "more", "stone", "dale", "croft",
              "hurst", "wick", "bury", "combe", "land", "brook", "shaw", "cliffe", "den", "ridge", "low", "hill")
SURNAME_TAIL = tuple(start + end for start in _TAIL_STARTS for end in _TAIL_ENDS)

# (name, other spellings, county, county as also written, postcode areas, store code)
CITIES = (
    ("London", ("LONDON", "Greater London"), "Greater London", "London", ("E", "N", "SE", "SW", "W", "NW"), "LON"),
    ("Birmingham", ("B'ham",), "West Midlands", "W Midlands", ("B",), "BHX"),
    ("Manchester", (), "Greater Manchester", "Gtr Manchester", ("M",), "MAN"),
    ("Leeds", (), "West Yorkshire", "W Yorks", ("LS",), "LBA"),
    ("Glasgow", (), "Glasgow City", "Lanarkshire", ("G",), "GLA"),
    ("Sheffield", (), "South Yorkshire", "S Yorks", ("S",), "SZD"),
    ("Liverpool", (), "Merseyside", "Merseyside", ("L",), "LPL"),
    ("Bristol", (), "Bristol", "Avon", ("BS",), "BRS"),
    ("Edinburgh", (), "City of Edinburgh", "Midlothian", ("EH",), "EDI"),
    ("Leicester", (), "Leicestershire", "Leics", ("LE",), "LCS"),
    ("Cardiff", ("Caerdydd",), "Cardiff", "South Glamorgan", ("CF",), "CWL"),
    ("Coventry", (), "West Midlands", "W Midlands", ("CV",), "CVT"),
    ("Nottingham", (), "Nottinghamshire", "Notts", ("NG",), "NQT"),
    ("Newcastle upon Tyne", ("Newcastle", "Newcastle-upon-Tyne"), "Tyne and Wear", "Tyne & Wear", ("NE",), "NCL"),
    ("Southampton", (), "Hampshire", "Hants", ("SO",), "SOU"),
    ("Reading", (), "Berkshire", "Berks", ("RG",), "RDG"),
    ("Norwich", (), "Norfolk", "Norfolk", ("NR",), "NWI"),
    ("Belfast", (), "County Antrim", "Co. Antrim", ("BT",), "BFS"),
)
# street types: (written out, abbreviated)
STREET_TYPES = (("Road", "Rd"), ("Street", "St"), ("Lane", "Ln"), ("Avenue", "Ave"), ("Close", "Cl"),
                ("Drive", "Dr"), ("Crescent", "Cres"), ("Gardens", "Gdns"), ("Place", "Pl"), ("Way", "Way"))
STREETS = ("High", "Station", "Church", "Park", "Victoria", "Green", "Manor", "Kings", "Queens", "New", "Grange",
           "Mill", "Albert", "York", "Windsor", "Springfield", "Richmond", "George", "Alexandra", "North", "South",
           "Highfield", "School", "Chester", "Stanley", "Broadway", "Orchard", "Willow", "Oak", "Beech", "Elm",
           "Meadow", "Cedar", "Chapel", "Mount", "Princes", "Market", "Bridge", "Castle", "Forest")
COUNTRY_NAMES = (("GB", 0.3), ("UK", 0.25), ("United Kingdom", 0.3), ("England", 0.1), ("Great Britain", 0.05))
EMAIL_DOMAINS = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com",
                 "sky.com", "live.co.uk")
WORK_DOMAINS = ("nhs.net", "tesco-group.co.uk", "barclays-services.co.uk", "bt-business.co.uk",
                "capita-partners.co.uk", "arup-engineering.co.uk")


def postcode(area: str, rng: random.Random) -> str:
    """'M14 5AB': area, district, then sector digit and unit letters (no C, I, K, M, O, V)."""
    units = "ABDEFGHJLNPQRSTUWXYZ"
    return (f"{area}{1 + int(rng.random() * 20)} {int(rng.random() * 10)}"
            f"{units[int(rng.random() * len(units))]}{units[int(rng.random() * len(units))]}")


def postcode_as_typed(code: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return code.replace(" ", "")
    if r < 0.22:
        return code.lower()
    return code


def mobile(rng: random.Random) -> str:
    return "7" + rng.choice(("4", "5", "7", "8", "9")) + f"{int(rng.random() * 100_000_000):08d}"


def landline(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "20" + rng.choice("378") + f"{int(rng.random() * 10_000_000):07d}"
    return rng.choice(("161", "121", "113", "114", "117", "131", "141")) + f"{int(rng.random() * 10_000_000):07d}"


def format_phone(nsn: str, rng: random.Random, style: float) -> str:
    """A UK number as people type it: '07700 900123', '+44 7700 900123', '+44 (0)7700 900123'."""
    head, tail = (nsn[:4], nsn[4:]) if nsn.startswith("7") else (nsn[:2], nsn[2:]) if nsn.startswith("20") \
        else (nsn[:3], nsn[3:])
    if style < 0.30:
        return f"0{head} {tail}"
    if style < 0.45:
        return f"0{nsn}"
    if style < 0.62:
        return f"+44 {head} {tail}"
    if style < 0.77:
        return f"+44{nsn}"
    if style < 0.87:
        return f"+44 (0){head} {tail}"
    if style < 0.94:
        return f"(0{head}) {tail}"
    return f"0044 {head} {tail}"


def street_line(stype: tuple[str, str], street: str, house: str, flat: str, rng: random.Random) -> tuple[str, str]:
    """(street, street2): '12 Station Road' or '12 Station Rd', the flat on either line."""
    kind = stype[0] if rng.random() < 0.6 else stype[1] + ("." if rng.random() < 0.3 else "")
    line = f"{house} {street} {kind}" if rng.random() < 0.9 else f"{house}, {street} {kind}"
    if not flat:
        return line, ""
    if rng.random() < 0.5:
        return line, f"Flat {flat}" if rng.random() < 0.8 else f"Apt {flat}"
    return f"Flat {flat}, {line}", ""
