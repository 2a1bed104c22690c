"""Tests of the sample-data generator (cdp.generate)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cdp.generate import BROWSER_TRUTH, TRUTH_ENTITIES, generate
from cdp.generate import render as R
from cdp.generate.__main__ import main
from cdp.generate.channels import Emitter
from cdp.generate.people import Person
from cdp.ingest.contract import ENTITIES, ENTITIES_BY_KEY, FILE_SUFFIXES

N = 200
CYRILLIC = re.compile("[а-яА-ЯёЁ]")
LATIN = re.compile("[a-zA-Z]")


def _files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file())


def _read(path: Path) -> tuple[list[str], list[dict[str, str | None]]]:
    """Header and rows of one landing file ('' and null both come back as None)."""
    name = path.name
    if name.endswith(".parquet"):
        table = pq.read_table(path)
        assert all(f.type == pa.string() for f in table.schema), f"{path}: non-string column"
        return table.column_names, table.to_pylist()
    if name.endswith(".jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for row in rows:
            assert all(v is None or isinstance(v, str) for v in row.values()), f"{path}: non-string value"
        header = list(rows[0]) if rows else []
        for row in rows:
            assert list(row) == header, f"{path}: inconsistent keys"
        return header, rows
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
    header = next(reader)
    rows = [{k: (v if v != "" else None) for k, v in zip(header, values, strict=True)} for values in reader]
    return header, rows


def _entity_rows(landing: Path, key: str) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for path in sorted((landing / key).iterdir()):
        rows.extend(_read(path)[1])
    return rows


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    summary = generate(root / "landing", root / "truth" / "identity.csv", people=N, seed=7)
    truth = list(csv.DictReader((root / "truth" / "identity.csv").open(encoding="utf-8", newline="")))
    return root / "landing", truth, summary


def test_deterministic(tmp_path):
    a = generate(tmp_path / "a", tmp_path / "a_truth.csv", people=N, seed=11)
    b = generate(tmp_path / "b", tmp_path / "b_truth.csv", people=N, seed=11)
    generate(tmp_path / "c", tmp_path / "c_truth.csv", people=N, seed=12)
    assert a == b
    files_a, files_b, files_c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    rel = [p.relative_to(tmp_path / "a") for p in files_a]
    assert rel == [p.relative_to(tmp_path / "b") for p in files_b]
    for path in rel:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path
    assert (tmp_path / "a_truth.csv").read_bytes() == (tmp_path / "b_truth.csv").read_bytes()
    assert rel == [p.relative_to(tmp_path / "c") for p in files_c]
    differing = [p for p in rel if (tmp_path / "a" / p).read_bytes() != (tmp_path / "c" / p).read_bytes()]
    assert len(differing) == len(rel)
    assert (tmp_path / "a_truth.csv").read_bytes() != (tmp_path / "c_truth.csv").read_bytes()


def test_layout_and_formats(generated):
    landing, _, summary = generated
    suffixes = set()
    for entity in ENTITIES:
        files = sorted((landing / entity.channel / entity.name).iterdir())
        assert files, entity.key
        for f in files:
            suffix = next(s for s in FILE_SUFFIXES if f.name.endswith(s))
            suffixes.add(suffix)
    assert suffixes == set(FILE_SUFFIXES)
    crm = sorted(p.name for p in (landing / "crm" / "contacts").iterdir())
    assert crm == ["contacts_2026-10-01.csv", "contacts_2026-11-01.csv"]
    assert summary["people"] == N
    assert set(summary["rows"]) == set(ENTITIES_BY_KEY)


def test_columns_match_contract_and_required_filled(generated):
    landing, _, summary = generated
    for entity in ENTITIES:
        total = 0
        for path in sorted((landing / entity.channel / entity.name).iterdir()):
            header, rows = _read(path)
            assert tuple(header) == entity.columns, path
            total += len(rows)
            for row in rows:
                for col in entity.required:
                    assert row[col], f"{path}: empty required {col}"
        assert total == summary["rows"][entity.key], entity.key
        assert total > 0, entity.key


def test_ids_unique(generated):
    landing, _, _ = generated
    for key, id_col in TRUTH_ENTITIES.items():
        ids = [r[id_col] for r in _entity_rows(landing, key)]
        if key == "crm/contacts":  # updated versions repeat a contact_id in the second batch
            assert len(ids) > len(set(ids))
        else:
            assert len(ids) == len(set(ids)), key
    for key, cols in (("webshop/order_lines", ("order_id", "line_number")),
                      ("pos/receipt_lines", ("receipt_id", "line_number"))):
        keys = [tuple(r[c] for c in cols) for r in _entity_rows(landing, key)]
        assert len(keys) == len(set(keys))


def test_ground_truth_complete_and_consistent(generated):
    landing, truth, _ = generated
    assert truth and set(truth[0]) == {"channel", "entity", "source_record_id", "person_id"}
    by_entity: dict[str, set[str]] = defaultdict(set)
    for row in truth:
        by_entity[f"{row['channel']}/{row['entity']}"].add(row["source_record_id"])
    browsers = by_entity.pop("/".join(BROWSER_TRUTH))
    assert set(by_entity) == set(TRUTH_ENTITIES)
    anonymous_ids = {r["anonymous_id"] for r in _entity_rows(landing, "web/events")}
    assert browsers and browsers <= anonymous_ids  # every owned browser shows up in the events
    pairs = [(r["channel"], r["entity"], r["source_record_id"]) for r in truth]
    assert len(pairs) == len(set(pairs)), "one truth row per record"
    for key, id_col in TRUTH_ENTITIES.items():
        rows = _entity_rows(landing, key)
        if key == "pos/receipts":
            expected = {r[id_col] for r in rows if r["card_id"] or r["phone"]}
            assert any(not r["card_id"] and not r["phone"] for r in rows)  # anonymous receipts exist
        else:
            expected = {r[id_col] for r in rows}
        assert by_entity[key] == expected, key
    people = {r["person_id"] for r in truth}
    assert 0.85 * N <= len(people) <= N


def _identity_records(landing: Path, truth) -> list[tuple[str, dict]]:
    """(person_id, record) for every identity record with the person it belongs to."""
    owner = {(r["channel"], r["entity"], r["source_record_id"]): r["person_id"] for r in truth}
    out = []
    for key, id_col in TRUTH_ENTITIES.items():
        channel, entity = key.split("/")
        for row in _entity_rows(landing, key):
            pid = owner.get((channel, entity, row[id_col]))
            if pid:
                out.append((pid, row))
    return out


def _phone_key(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[-8:]


def test_data_is_messy(generated):
    landing, truth, _ = generated
    records = _identity_records(landing, truth)

    scripts: dict[str, set[str]] = defaultdict(set)
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    phone_owners: dict[str, set[str]] = defaultdict(set)
    phone_formats: dict[str, set[str]] = defaultdict(set)
    births = []
    for pid, row in records:
        first, last = row.get("first_name") or "", row.get("last_name") or ""
        if last:
            scripts[pid].add("cyr" if CYRILLIC.search(last) else "lat" if LATIN.search(last) else "?")
        if first and last:
            names[(first, last)].add(pid)
        if row.get("phone"):
            key = _phone_key(row["phone"])
            phone_owners[key].add(pid)
            phone_formats[key].add(row["phone"])
        if row.get("birth_date"):
            births.append(row["birth_date"])

    assert any({"cyr", "lat"} <= s for s in scripts.values()), "a person in Cyrillic and Latin"
    assert any(len(f) > 1 for f in phone_formats.values()), "a phone in more than one format"
    assert any(len(p) > 1 for p in names.values()), "different people with the same first and last name"
    assert any(len(p) > 1 for p in phone_owners.values()), "different people sharing a phone"
    compact = sum(bool(re.fullmatch(r"\d{8}", b)) for b in births)
    assert 0.05 < compact / len(births) < 0.3, "some birth dates as YYYYMMDD"
    assert all(re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", b) for b in births)

    # e-mail noise: upper case somewhere, plus tags or gmail dots
    emails = [row["email"] for _, row in records if row.get("email")]
    assert any(e != e.lower() for e in emails)
    # Romanian diacritics both correct and stripped
    all_text = " ".join(str(v) for _, row in records for v in row.values() if v)
    assert "ș" in all_text or "ț" in all_text
    assert "ş" in all_text or "ţ" in all_text

    # guest checkouts and persons in only one channel
    orders = _entity_rows(landing, "webshop/orders")
    guests = sum(not o["account_id"] for o in orders) / len(orders)
    assert 0.2 < guests < 0.6
    channels: dict[str, set[str]] = defaultdict(set)
    for r in truth:
        if r["channel"] not in ("email", "sms"):
            channels[r["person_id"]].add(r["channel"])
    single = sum(len(c) == 1 for c in channels.values()) / len(channels)
    assert 0.1 < single < 0.35


def test_crm_second_batch_has_updates(generated):
    landing, _, _ = generated
    b1 = _read(landing / "crm" / "contacts" / "contacts_2026-10-01.csv")[1]
    b2 = _read(landing / "crm" / "contacts" / "contacts_2026-11-01.csv")[1]
    first = {r["contact_id"]: r for r in b1}
    updated = [r for r in b2 if r["contact_id"] in first]
    assert updated and len(updated) < len(b2)
    assert all(r["updated_at"] > first[r["contact_id"]]["updated_at"] for r in updated)
    assert all(r["updated_at"] < "2026-10-01" for r in b1)
    assert all("2026-10-01" <= r["updated_at"] < "2026-11-01" for r in b2)


def test_timestamps_within_three_years(generated):
    landing, _, _ = generated
    for key, col in (("webshop/orders", "ordered_at"), ("pos/receipts", "purchased_at"),
                     ("email/messages", "sent_at"), ("callcentre/calls", "started_at")):
        values = [r[col] for r in _entity_rows(landing, key)]
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", v) for v in values), key
        assert min(values) >= "2023-11-01" and max(values) < "2026-11-01", key


def test_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CDP_LANDING_DIR", str(tmp_path / "env_landing"))
    truth = tmp_path / "gt" / "identity.csv"
    assert main(["--people", "30", "--seed", "3", "--truth", str(truth), "--end-date", "2025-06-15"]) == 0
    out = capsys.readouterr().out
    assert "crm/contacts" in out and "30 people" in out
    assert truth.exists()
    crm = sorted(p.name for p in (tmp_path / "env_landing" / "crm" / "contacts").iterdir())
    assert crm == ["contacts_2025-05-15.csv", "contacts_2025-06-15.csv"]


def test_end_date_and_small_population(tmp_path):
    summary = generate(tmp_path / "l", tmp_path / "t.csv", people=1, seed=1, end_date=date(2024, 1, 31))
    assert summary["people"] == 1


def _namesake(pid: str) -> Person:
    person = Person()
    person.pid, person.lang, person.first, person.last = pid, "ro", ("Elena", (), ()), "Popescu"
    return person


def test_a_handle_belongs_to_one_person_on_a_platform():
    emitter = Emitter(random.Random(1), date(2026, 11, 1), 30)
    # P00000005 and P00000010 want the same handle (the format follows the number mod 5)
    first, second = _namesake("P00000005"), _namesake("P00000010")
    assert R.handle(first, "telegram") == R.handle(second, "telegram") == "@elena_p"
    assert emitter.handle(first, "telegram") == "@elena_p"
    assert emitter.handle(second, "telegram") == "@elena_p10"
    assert emitter.handle(first, "telegram") == "@elena_p"  # a person keeps the handle they got
    assert emitter.handle(second, "instagram") == "@elena_p"  # another platform: free


def test_the_sample_truth_sits_beside_its_landing_folder(tmp_path):
    from cdp.cli import truth_path

    assert truth_path(Path("data/landing")) == Path("data/ground_truth/identity.csv")
    # another sample folder keeps its own truth, and other exports are never scored against data/'s
    assert truth_path(tmp_path / "landing") == tmp_path / "ground_truth" / "identity.csv"


def test_a_british_population_writes_british_names_addresses_and_numbers(tmp_path):
    """--countries GB: the held-out population (see cdp.generate.gb) has the contract's
    columns like the default one, and its values are British: UK postcodes, numbers that
    parse as +44 in the record's country, English given names."""
    from cdp.generate import gb
    from cdp.keys.normalize import phone_e164

    landing = tmp_path / "landing"
    generate(landing, tmp_path / "truth.csv", people=5 * N, seed=5, countries=("GB",))
    contacts = _entity_rows(landing, "crm/contacts")
    given = {full for full, _, _ in gb.MALE + gb.FEMALE} | {n for _, nicks, spellings in gb.MALE + gb.FEMALE
                                                            for n in nicks + spellings}
    assert sum((r["first_name"] or "").split(" ")[0] in given for r in contacts) > 0.8 * len(contacts)
    # as British records write names: a middle name or its initial, a double-barrelled
    # surname with or without its hyphen, a 'Jr'
    assert 0.05 * len(contacts) < sum(bool(re.fullmatch(r"\w+ (\w+|\w\.)", r["first_name"] or ""))
                                      for r in contacts) < 0.3 * len(contacts)
    assert any(re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+", r["last_name"] or "") for r in contacts)
    assert any((r["last_name"] or "").endswith(("Jr", "Jr.")) for r in contacts)
    postcodes = [r["postcode"] for r in contacts if r["postcode"]]
    assert postcodes and all(re.fullmatch(r"[A-Za-z]{1,2}\d{1,2} ?\d[A-Za-z]{2}", p) for p in postcodes)
    phones = [(r["phone"], r["country"]) for r in contacts if r["phone"] and r["country"]]
    parsed = [phone_e164(phone, country) for phone, country in phones]
    assert phones and sum(p is not None and p.startswith("+44") for p in parsed) > 0.95 * len(phones)
    assert not any(CYRILLIC.search(r["last_name"] or "") for r in contacts)


def test_an_unknown_country_is_refused(tmp_path):
    with pytest.raises(ValueError, match="countries must be some of"):
        generate(tmp_path / "l", tmp_path / "t.csv", people=5, countries=("XX",))


def test_russian_speakers_records_carry_patronymics_sometimes(generated):
    """'Иван Сергеевич' in a CRM first-name field or told to the call centre: the name a
    Russian system keeps, which matching must read as Ivan."""
    from cdp.generate.names import patronymic_ru

    assert [patronymic_ru(father, gender) for father, gender in (
        ("Иван", "M"), ("Сергей", "F"), ("Евгений", "M"), ("Игорь", "M"), ("Илья", "F"), ("Михаил", "M"))] == [
        "Иванович", "Сергеевна", "Евгеньевич", "Игоревич", "Ильинична", "Михайлович"]
    landing = generated[0]
    shaped = re.compile(r"\w+ \w+(вич|вна|ична|ьич|vich|vna|vici|ichna)$", re.IGNORECASE)
    crm = [r["first_name"] or "" for r in _entity_rows(landing, "crm/contacts")]
    calls = [r["caller_name"] or "" for r in _entity_rows(landing, "callcentre/calls")]
    assert 0 < sum(bool(shaped.search(name)) for name in crm) < 0.2 * len(crm)
    assert any(shaped.search(name) for name in calls)


def test_a_name_pool_makes_a_name_dense_file_and_leaves_the_default_pools_alone(tmp_path):
    """--name-pool 3 (make bench NAME_DENSE=1 uses 25): British people's surnames come from
    the three most common only (spelt as records spell them: upper case, a 'Jr', a typo), so
    each is shared by many; the generator's pools are as before afterwards."""
    from cdp.generate import gb, people

    before = people.EN_LAST
    generate(tmp_path / "dense", tmp_path / "dense.csv", people=5 * N, seed=5, countries=("GB",), name_pool=3)
    assert people.EN_LAST is before
    common = {name.lower() for name in gb.SURNAMES[:3]}
    dense = [(r["last_name"] or "").lower() for r in _entity_rows(tmp_path / "dense", "crm/contacts")]
    assert sum(any(name in last for name in common) for last in dense) > 0.9 * len(dense)
    generate(tmp_path / "usual", tmp_path / "usual.csv", people=5 * N, seed=5, countries=("GB",))
    usual = [(r["last_name"] or "").lower() for r in _entity_rows(tmp_path / "usual", "crm/contacts")]
    assert sum(any(name in last for name in common) for last in usual) < 0.3 * len(usual)
