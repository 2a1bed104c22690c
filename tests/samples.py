"""The sample every end-to-end module reads: generated people plus hand-made ones, loaded and
built by a plain `dbt build` once per test session (tests/conftest.py, ``sample``).

Building a warehouse is the slow part of these tests, and most of them only read one; the
tests that change data work on a copy.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import duckdb

from cdp.generate import generate
from cdp.ingest.loader import load_landing
from tests.conftest import DBT, PROJECT_ROOT, dbt_env

SAMPLE_PEOPLE, SAMPLE_SEED = 400, 11

# Evdokia: staff typed one e-mail into the CRM, she confirmed another one by double opt-in;
# the CRM phone is not a phone; she moved from Tver (CRM, 2024) to Kazan (loyalty, 2025).
# Feofan: the same shape without the double opt-in, so the CRM e-mail must win.
HAND_MADE = {
    "crm/contacts": [
        {"contact_id": "HAND-C1", "first_name": "Evdokia", "last_name": "Zaharchenko",
         "email": "evdokia.staff@mail.ru", "phone": "12-34", "birth_date": "1985-04-12", "gender": "F",
         "city": "Tver", "region": "Tverskaya obl.", "country": "RU", "updated_at": "2024-01-10 10:00:00"},
        {"contact_id": "HAND-C2", "first_name": "Feofan", "last_name": "Kuzyakin",
         "email": "feofan.staff@mail.ru", "phone": "+79031112233", "birth_date": "1979-09-30", "gender": "M",
         "city": "Omsk", "region": "Omskaya obl.", "country": "RU", "updated_at": "2024-02-10 10:00:00"},
    ],
    "loyalty/members": [
        {"member_id": "HAND-M1", "card_id": "HAND-K1", "first_name": "Evdokia", "last_name": "Zaharchenko",
         "email": "evdokia.staff@mail.ru", "phone": "+79161234567", "birth_date": "1985-04-12",
         "city": "Kazan", "region": "Tatarstan", "country": "RU", "tier": "gold",
         "enrolled_at": "2025-06-01 12:00:00"},
    ],
    "webshop/accounts": [
        {"account_id": "HAND-A1", "email": "evdokia.z@yandex.ru", "first_name": "Evdokiya",
         "last_name": "Zakharchenko", "phone": "+79161234567", "birth_date": "1985-04-12",
         "created_at": "2023-05-01 09:00:00"},
        {"account_id": "HAND-A2", "email": "feofan.k@yandex.ru", "first_name": "Feofan",
         "last_name": "Kuzyakin", "phone": "+79031112233", "birth_date": "1979-09-30",
         "created_at": "2023-05-02 09:00:00"},
    ],
    "consent/events": [
        {"consent_event_id": "HAND-E1", "email": "evdokia.z@yandex.ru", "channel": "email",
         "purpose": "marketing", "status": "granted", "occurred_at": "2023-05-01 09:05:00",
         "recorded_in": "double_opt_in"},
    ],
}


def write_batch(landing: Path, entity: str, rows: list[dict], name: str) -> None:
    folder = landing / entity
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def build_sample(tmp: Path) -> dict:
    """Generate, add the hand-made people, load and `dbt build` into ``tmp``."""
    landing, truth, warehouse = tmp / "landing", tmp / "truth.csv", tmp / "warehouse.duckdb"
    generate(landing, truth, people=SAMPLE_PEOPLE, seed=SAMPLE_SEED)
    for entity, rows in HAND_MADE.items():
        write_batch(landing, entity, rows, "hand_made.csv")
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, tmp / "quarantine")
    completed = subprocess.run([DBT, "build"], cwd=PROJECT_ROOT, env=dbt_env(warehouse, tmp),
                               capture_output=True, text=True)
    return {"tmp": tmp, "landing": landing, "warehouse": warehouse, "truth": truth, "dbt": completed}
