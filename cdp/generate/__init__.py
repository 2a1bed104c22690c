"""Sample-data generator: a synthetic, deliberately messy population and its channel exports.

``generate()`` writes one file per entity (two batches for ``crm/contacts``) under the landing
directory, in the layout and with exactly the columns of :mod:`cdp.ingest.contract`, plus a ground
truth CSV (``channel,entity,source_record_id,person_id``) that the pipeline never reads and
that is used to judge the identity matching.

Everything is driven by one ``random.Random(seed)``: the same arguments give byte-identical
files.  People are generated and written in chunks, so memory stays flat for millions of people.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from cdp.ingest.contract import ENTITIES_BY_KEY

from .channels import OUTPUTS, Emitter
from .people import Population, small_name_pools
from .places import COUNTRIES, COUNTRY_WEIGHTS
from .writer import CsvWriter, open_writer

__all__ = ["generate", "BROWSER_TRUTH", "FILE_TYPES", "TRUTH_COLUMNS", "TRUTH_ENTITIES"]

# file type per entity: every landing format is exercised
FILE_TYPES = {
    "crm/contacts": "csv",
    "loyalty/members": "csv.gz",
    "loyalty/point_transactions": "csv",
    "webshop/accounts": "jsonl",
    "webshop/orders": "jsonl",
    "webshop/order_lines": "jsonl",
    "pos/receipts": "parquet",
    "pos/receipt_lines": "parquet",
    "web/events": "jsonl",
    "email/messages": "csv",
    "email/events": "csv",
    "sms/messages": "csv",
    "sms/events": "csv",
    "callcentre/calls": "csv",
    "messenger/conversations": "jsonl",
    "consent/events": "csv",
}
TRUTH_COLUMNS = ("channel", "entity", "source_record_id", "person_id")
# entity -> id column of the records that the ground truth covers
TRUTH_ENTITIES = {
    "crm/contacts": "contact_id",
    "loyalty/members": "member_id",
    "webshop/accounts": "account_id",
    "webshop/orders": "order_id",
    "pos/receipts": "receipt_id",
    "callcentre/calls": "call_id",
    "messenger/conversations": "conversation_id",
    "email/messages": "message_id",
    "sms/messages": "message_id",
}
# Browsers are not an export of their own: a browser is the anonymous_id of web/events, and
# the truth names its owner (channel "web", entity "browsers", source_record_id = anonymous_id).
BROWSER_TRUTH = ("web", "browsers")
SPAN_DAYS = 3 * 365
CHUNK_PEOPLE = 10_000
_NOT_SHUFFLED = ("webshop/order_lines", "pos/receipt_lines", "truth")


def _paths(landing: Path, end_date: date, batch1: date) -> dict[str, Path]:
    out = {}
    for key in OUTPUTS:
        if key == "truth":
            continue
        entity_key, _, batch = key.partition("@")
        channel, entity = entity_key.split("/")
        stamp = batch1 if batch == "1" else end_date
        out[key] = landing / channel / entity / f"{entity}_{stamp.isoformat()}.{FILE_TYPES[entity_key]}"
    return out


def generate(landing_dir: Path, truth_path: Path, people: int = 3000, seed: int = 42,
             end_date: date = date(2026, 11, 1), countries: tuple[str, ...] = COUNTRIES,
             name_pool: int | None = None) -> dict:
    """Write the sample landing zone and the ground truth; return counts per entity.
    ``countries`` picks the population: the default Russian, Romanian and Moldovan one, or
    e.g. ("GB",) for British people (see cdp.generate.gb). ``name_pool``: draw names from
    that many of each list only (a name-dense file, see people.small_name_pools)."""
    if name_pool is not None:
        with small_name_pools(name_pool):
            return generate(landing_dir, truth_path, people, seed, end_date, countries)
    if people < 1:
        raise ValueError("people must be >= 1")
    unknown = sorted(set(countries) - set(COUNTRY_WEIGHTS))
    if unknown or not countries:
        raise ValueError(f"countries must be some of {', '.join(COUNTRY_WEIGHTS)}, got {', '.join(countries)}")
    landing_dir, truth_path = Path(landing_dir), Path(truth_path)
    rng = random.Random(seed)
    emitter = Emitter(rng, end_date, SPAN_DAYS, countries, seed)
    population = Population(rng, SPAN_DAYS, countries)
    paths = _paths(landing_dir, end_date, emitter.batch1_date)
    writers = {key: open_writer(path, ENTITIES_BY_KEY[key.partition("@")[0]].columns)
               for key, path in paths.items()}
    writers["truth"] = CsvWriter(truth_path, TRUTH_COLUMNS)

    def flush() -> None:
        for key, rows in emitter.buf.items():
            if not rows:
                continue
            if key not in _NOT_SHUFFLED:
                rng.shuffle(rows)
            writers[key].write(rows)
            rows.clear()

    try:
        pending = 0
        for household in population.people(people):
            for person in household:
                emitter.person(person)
                if rng.random() < 0.12:
                    emitter.anonymous_receipt()
                if rng.random() < 0.2:
                    emitter.anonymous_visit()
            pending += len(household)
            if pending >= CHUNK_PEOPLE:
                flush()
                pending = 0
        flush()
    finally:
        for w in writers.values():
            w.close()

    rows: dict[str, int] = {}
    for key, w in writers.items():
        if key != "truth":
            entity_key = key.partition("@")[0]
            rows[entity_key] = rows.get(entity_key, 0) + w.rows
    return {
        "people": population.count,
        "households": population.households,
        "seed": seed,
        "end_date": end_date.isoformat(),
        "rows": rows,
        "total_rows": sum(rows.values()),
        "truth_rows": writers["truth"].rows,
    }
