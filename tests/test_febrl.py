"""FEBRL files as channel exports (cdp.quality.febrl): the held-out check's adapter."""

from __future__ import annotations

import csv

import pytest

from cdp.ingest.contract import ENTITIES
from cdp.quality.febrl import FEBRL_COLUMNS, convert, main

# FEBRL's own look: a blank after each comma, YYYYMMDD dates, empty fields
HEADER = ", ".join(FEBRL_COLUMNS) + "\n"
FILE_A = HEADER + """rec-1496-org, mitchell, green, 7, wallaby place, delmar, cleveland, 2119, sa, 19560409, 1804974
rec-552-org, harley, mccarthy, 177, pridham street, milton, marsden, 3165, nsw, 19080419, 6089216
"""
FILE_B = HEADER + """rec-1496-dup-0, mitchell, gren, , wallaby place, , cleveland, 2119, sa, 19560409, 1804974
rec-552-dup-0, harley, mccathry, 177, pridhamstreet, milton, marsden, 3165, nsw, , 6089216
"""


def _read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_two_files_become_crm_contacts_and_loyalty_members_with_their_truth(tmp_path):
    (tmp_path / "a.csv").write_text(FILE_A)
    (tmp_path / "b.csv").write_text(FILE_B)
    assert convert([tmp_path / "a.csv", tmp_path / "b.csv"], tmp_path / "out") == 4
    contacts = _read(tmp_path / "out/landing/crm/contacts/a.csv")
    members = _read(tmp_path / "out/landing/loyalty/members/b.csv")
    contract = {entity.key: set(entity.columns) for entity in ENTITIES}
    assert set(contacts[0]) <= contract["crm/contacts"] and set(members[0]) <= contract["loyalty/members"]
    assert contacts[0] == {"contact_id": "rec-1496-org", "first_name": "mitchell", "last_name": "green",
                           "birth_date": "19560409", "street": "7 wallaby place", "street2": "delmar",
                           "city": "cleveland", "postcode": "2119", "region": "sa", "country": "Australia"}
    assert (members[0]["street"], members[1]["birth_date"]) == ("wallaby place", "")
    assert "soc_sec_id" not in contacts[0]  # names, birth dates and addresses only
    truth = _read(tmp_path / "out/truth.csv")
    assert [(row["entity"], row["source_record_id"], row["person_id"]) for row in truth] == [
        ("contacts", "rec-1496-org", "1496"), ("contacts", "rec-552-org", "552"),
        ("members", "rec-1496-dup-0", "1496"), ("members", "rec-552-dup-0", "552")]


def test_one_file_is_a_deduplication_of_crm_contacts(tmp_path, capsys):
    (tmp_path / "a.csv").write_text(FILE_A + FILE_B.split("\n", 1)[1])
    main([str(tmp_path / "a.csv"), "--out", str(tmp_path / "out")])
    assert "4 records written" in capsys.readouterr().out
    assert len(_read(tmp_path / "out/landing/crm/contacts/a.csv")) == 4
    assert not (tmp_path / "out/landing/loyalty").exists()


def test_a_file_that_is_not_febrl_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("contact_id,first_name\n1,Ann\n")
    with pytest.raises(ValueError, match="not a FEBRL file"):
        convert([tmp_path / "x.csv"], tmp_path / "out")
    with pytest.raises(ValueError, match="one FEBRL file .* or two"):
        convert([tmp_path / "x.csv"] * 3, tmp_path / "out")
