"""The loader: idempotent by content, quarantines what it cannot read, loses no row."""

from __future__ import annotations

import gzip
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cdp.ingest import loader, readers
from cdp.ingest.contract import ENTITIES
from cdp.ingest.loader import load_landing


def _write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _load(landing, warehouse):
    with duckdb.connect(str(warehouse)) as con:
        return load_landing(con, landing, landing.parent / "quarantine")


def _count(warehouse, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


CONTACTS = "contact_id,first_name,last_name,email\nC1,Ivan,Petrov,ivan@example.com\nC2,Anna,Popa,\n"


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts/batch1.csv", CONTACTS)
    first = _load(landing, warehouse)
    assert [r.status for r in first] == ["loaded"]
    assert _count(warehouse, "raw.crm__contacts") == 2

    second = _load(landing, warehouse)
    assert [r.status for r in second] == ["skipped"]
    assert _count(warehouse, "raw.crm__contacts") == 2


def test_same_content_under_a_new_name_is_recorded_as_duplicate(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts/batch1.csv", CONTACTS)
    _load(landing, warehouse)
    _write(landing / "crm/contacts/batch1_resent.csv", CONTACTS)
    results = _load(landing, warehouse)
    duplicate = [r for r in results if r.file.endswith("resent.csv")][0]
    assert duplicate.status == "duplicate"
    assert "batch1.csv" in duplicate.reason
    assert _count(warehouse, "raw.crm__contacts") == 2


def test_malformed_file_is_quarantined_with_reason_and_the_rest_still_loads(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts/good.csv", CONTACTS)
    _write(landing / "crm/contacts/no_id.csv", "first_name,last_name\nIvan,Petrov\n")
    _write(landing / "crm/contacts/broken.csv", 'contact_id,first_name\nC7,Ion\nC8,"Zanzibarova\nC9,Ana\n')
    _write(landing / "loyalty/members/m.csv", "member_id,card_id\nM1,LC1\n")

    results = {r.file.split("/")[-1]: r for r in _load(landing, warehouse)}

    assert results["good.csv"].status == "loaded"
    assert results["m.csv"].status == "loaded"
    assert results["no_id.csv"].status == "quarantined"
    assert "no_id.csv" in results["no_id.csv"].reason
    assert "missing required column(s) contact_id" in results["no_id.csv"].reason
    assert results["broken.csv"].status == "quarantined"
    assert "broken.csv" in results["broken.csv"].reason and "line 3" in results["broken.csv"].reason
    assert "Zanzibarova" not in results["broken.csv"].reason  # the row's content stays out of logs
    assert _count(warehouse, "raw.crm__contacts") == 2
    assert _count(warehouse, "raw.loyalty__members") == 1
    quarantined = sorted(p.name for p in (tmp_path / "quarantine/crm/contacts").iterdir())
    assert any(n.endswith("__no_id.csv") for n in quarantined)
    assert any(n.endswith("__no_id.csv.reason.txt") for n in quarantined)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select source_file, status from raw._load_ledger").fetchall())
    assert statuses["crm/contacts/no_id.csv"] == "quarantined"


def test_rows_with_empty_required_id_are_kept_aside_with_row_and_column(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts/b.csv", "contact_id,first_name\nC1,Ivan\n  ,Anna\nC3,Ion\n")
    [result] = _load(landing, warehouse)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select source_file, row_number, column_name, record_json from raw._rejected_rows").fetchall()[0]
        loaded = con.execute("select contact_id, _row_number from raw.crm__contacts order by 2").fetchall()
    assert row[:3] == ("crm/contacts/b.csv", 2, "contact_id")
    assert json.loads(row[3])["first_name"] == "Anna"
    assert loaded == [("C1", 1), ("C3", 3)]


def test_all_formats_load_and_extra_columns_are_kept(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    gz = landing / "loyalty/members/m.csv.gz"
    gz.parent.mkdir(parents=True)
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write("member_id,card_id,favourite_store\nM1,LC1,S9\n")
    _write(landing / "webshop/orders/o.jsonl",
           json.dumps({"order_id": "WO1", "total_amount": 12.5}) + "\n" + json.dumps({"order_id": "WO2"}) + "\n")
    receipts = landing / "pos/receipts/r.parquet"
    receipts.parent.mkdir(parents=True)
    pq.write_table(pa.table({"receipt_id": ["R1", "R2"], "total_amount": [1.5, 2.0]}), receipts)

    results = _load(landing, warehouse)
    assert sorted(r.status for r in results) == ["loaded"] * 3
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select favourite_store from raw.loyalty__members").fetchall() == [("S9",)]
        assert con.execute("select total_amount from raw.webshop__orders order by order_id").fetchall() == [
            ("12.5",), (None,)]
        assert con.execute("select count(*) from raw.pos__receipts").fetchall()[0][0] == 2


def test_every_contract_entity_has_a_raw_table_before_any_file_arrives(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    assert _load(landing, warehouse) == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
    assert {e.raw_table for e in ENTITIES} <= tables


@pytest.mark.parametrize("name", ["notes.txt", ".hidden.csv"])
def test_files_outside_the_contract_are_not_loaded(tmp_path, name):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts" / name, CONTACTS)
    assert _load(landing, warehouse) == []


def test_arrow_fast_path_loads_exactly_what_the_python_readers_load(tmp_path, monkeypatch):
    """Well-formed CSV and JSONL stream through Arrow (cdp.ingest.fast_read); the raw tables must be
    the same row for row, column for column, as with the Python readers alone."""
    from cdp.generate import generate
    from cdp.ingest import fast_read

    landing = tmp_path / "landing"
    generate(landing, tmp_path / "truth.csv", people=150, seed=3)
    python_files = []
    original = readers.parse
    monkeypatch.setattr(readers, "parse", lambda *a: python_files.append(a[1]) or original(*a))
    _load(landing, tmp_path / "fast.duckdb")
    assert python_files == []  # every sample file took the fast path
    monkeypatch.setattr(fast_read, "scan", lambda path: None)
    _load(landing, tmp_path / "python.duckdb")
    assert python_files  # and now none did

    with duckdb.connect(str(tmp_path / "fast.duckdb")) as con:
        con.execute(f"attach '{tmp_path / 'python.duckdb'}' as slow (read_only)")
        for entity in ENTITIES:
            table = f"raw.{entity.raw_table}"
            rows = "select * exclude (_loaded_at) from {} order by _source_file, _row_number"
            fast = con.execute(rows.format(table)).fetchall()
            slow = con.execute(rows.format(f"slow.{table}")).fetchall()
            assert fast == slow, entity.key
        assert con.execute("select count(*) from raw._rejected_rows").fetchall()[0][0] == 0


@pytest.mark.parametrize(("name", "text", "streamed"), [
    ("ok.csv", "contact_id,first_name\n1,Ana\n", True),
    ("ok.jsonl", '{"contact_id": "1"}\n{"contact_id": "2", "extra": 5}\n', True),
    ("wide.csv", "contact_id,first_name\n1,Ana\n2,Ion,x\n", False),  # wrong width
    ("quote.csv", 'contact_id,first_name\n1,"Ana\n2,Ion\n', False),  # quote never closed
    ("blank.jsonl", '{"contact_id": "1"}\n\n{"contact_id": "2"}\n', False),  # rows != lines
    ("list.jsonl", '{"contact_id": "1"}\n[1]\n', False),  # not an object
    ("float.jsonl", '{"contact_id": "1", "score": 1.5}\n', False),  # a float's text is not kept
    ("number.jsonl", '{"contact_id": 7}\n', False),  # a number in a contract column
    ("noid.jsonl", '{"first_name": "Ana"}\n', False),  # the required key never occurs
    ("cp1251.csv", "contact_id,first_name\n1,Мария\n", False),  # not UTF-8
])
def test_fast_path_declines_what_only_the_python_reader_reports_row_by_row(tmp_path, name, text, streamed):
    from cdp.ingest.contract import ENTITIES_BY_KEY

    path = tmp_path / name
    path.write_bytes(text.encode("cp1251" if name.startswith("cp1251") else "utf-8"))
    with duckdb.connect() as con:
        staged = loader._stage_streamed(con, ENTITIES_BY_KEY["crm/contacts"], path, name)
        assert (staged is not None) == streamed
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where temporary").fetchall()}
        assert ("_batch" in tables) == streamed  # a declined file leaves nothing staged


def test_a_broken_row_after_the_first_block_falls_back_to_the_row_by_row_reader(tmp_path, monkeypatch):
    """Arrow streams in blocks, so a bad row far down the file surfaces while DuckDB is
    already reading; what was streamed is dropped and the Python reader sets the row aside."""
    from cdp.ingest import fast_read

    monkeypatch.setattr(fast_read, "BLOCK_BYTES", 256)
    rows = [f"{i},Name{i}" for i in range(1, 201)]
    rows[149] += ",surplus"
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    _write(landing / "crm/contacts/c.csv", "contact_id,first_name\n" + "\n".join(rows) + "\n")
    (result,) = _load(landing, warehouse)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 199, 1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select row_number from raw._rejected_rows").fetchall() == [(150,)]
        assert con.execute("select count(*) from raw.crm__contacts").fetchall()[0][0] == 199


def _raw_rows(warehouse) -> dict[str, list[tuple]]:
    """Every raw table's rows (load times left out)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'raw' order by 1").fetchall()]
        rows = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                "and column_name not in ('_loaded_at', 'loaded_at', 'rejected_at') order by ordinal_position",
                [table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            # a raw table in load order; the ledger and rejected rows of entities loaded side by side interleave
            order = "all" if table.startswith("_") else "rowid"
            rows[table] = con.execute(f"select {listed} from raw.{table} order by {order}").fetchall()
        return rows


def test_entities_loaded_side_by_side_give_what_one_thread_gives(tmp_path):
    from cdp.generate import generate

    landing = tmp_path / "landing"
    generate(landing, tmp_path / "truth.csv", people=150, seed=3)
    # the same content in another entity's folder: the copy that sorts later is the duplicate
    # on one thread, so it must be on two as well, though two entities' queues run side by side
    contacts = sorted((landing / "crm/contacts").iterdir())[0]
    _write(landing / "loyalty/members/zz_copy.csv", contacts.read_text(encoding="utf-8"))
    outcomes = {}
    for workers in (1, 2):
        warehouse = tmp_path / f"w{workers}.duckdb"
        with duckdb.connect(str(warehouse)) as con:
            results = load_landing(con, landing, tmp_path / f"q{workers}", workers=workers)
        outcomes[workers] = ([(r.file, r.status, r.rows_loaded, r.reason) for r in results], _raw_rows(warehouse))
    assert outcomes[2] == outcomes[1]
    [copy] = [r for r in outcomes[2][0] if r[0] == "loyalty/members/zz_copy.csv"]
    assert copy[1] == "duplicate" and contacts.name in copy[3]
    assert sum(len(rows) for rows in outcomes[2][1].values()) > 1000


def test_files_of_the_same_content_share_a_load_queue(tmp_path):
    _write(tmp_path / "crm/contacts/a.csv", CONTACTS)
    _write(tmp_path / "loyalty/members/b.csv", CONTACTS)
    _write(tmp_path / "webshop/accounts/c.csv", "account_id,email\nA1,x@example.com\n")
    _write(tmp_path / "crm/contacts/d.csv", "contact_id\nC9\n")
    files, _ = loader.discover(tmp_path)
    queues = loader._independent_queues(files, [loader.file_sha256(f.path) for f in files])
    named = sorted(sorted(files[i].path.name for i in queue) for queue in queues)
    assert named == [["a.csv", "b.csv", "d.csv"], ["c.csv"]]
