"""Term frequencies as the scoring uses them: corrected for a person's own records, bounded
below for common names, and counting one owner per set of conflicting first names for contact
points (not for handles, which are spelled from names)."""

from __future__ import annotations

import duckdb
import pytest

from matching.predict import scoring_linker
from matching.prepare import load_records
from tests.test_matching import _records


def _person(key: str, first: str, last: str, phone: str) -> dict:
    return {"record_key": key, "first_name_key": first, "last_name_key": last, "phone_key": phone}


RECORDS = (
    # one customer with eight records carrying her phone
    [_person(f"calls:{i}", "marina", "smirnova", "+79400000001") for i in range(8)]
    # a family phone: two people with clearly different first names
    + [_person("crm:1", "svetlana", "zamfir", "+40700000002"), _person("crm:2", "alexandru", "zamfir", "+40700000002")]
    # a name everybody has, seen on one record each of many people
    + [_person(f"crm:andrei{i}", "andrei", f"surname{i}", f"+4070000{i:04d}") for i in range(40)]
    + [_person(f"crm:pop{i}", f"first{i}", "popescu", f"+4071000{i:04d}") for i in range(40)]
    + [_person("crm:ap1", "andrei", "popescu", "+40720000001"), _person("crm:ap2", "andrei", "popescu", "+40720000002")]
    # ten different Elena P.s who each chose '@elena_p' on some platform, and one handle two
    # chats of one person carry
    + [_person(f"chat:elena{i}", "elena", "p", f"+4072100{i:04d}") | {"handle_key": "elenap"} for i in range(10)]
    + [_person(f"chat:marina{i}", "marina", "smirnova", "+79400000001") | {"handle_key": "marinasmirnova77"}
       for i in range(2)]
)


@pytest.fixture(scope="module")
def tf():
    con = duckdb.connect()
    load_records(con, _records(RECORDS))
    scoring_linker(con)

    def lookup(column: str, value: str) -> float:
        return con.execute(f"select tf_{column} from _tf_corrected_{column} where {column} = ?", [value]
                           ).fetchall()[0][0]
    yield lookup
    con.close()


def test_a_phone_on_many_records_of_one_person_is_still_rare(tf):
    assert tf("phone_key", "+79400000001") == pytest.approx(tf("phone_key", "+40720000001"))


def test_a_family_phone_counts_its_other_owner(tf):
    assert tf("phone_key", "+40700000002") > 5 * tf("phone_key", "+79400000001")


def test_a_common_full_name_is_never_rarer_than_its_parts(tf):
    andrei, popescu = tf("first_name_canonical", "andrei"), tf("last_name_variant", "popesku")
    assert tf("full_name_key", "andrei popescu") >= andrei * popescu * 0.999
    # seen as often as "Svetlana Zamfir", whose parts are rare, it still weighs far less
    assert tf("full_name_key", "andrei popescu") > 10 * tf("full_name_key", "svetlana zamfir")


def test_a_handle_namesakes_chose_is_common_though_their_first_names_agree(tf):
    # owners counted by conflicting first names would call '@elena_p' one person's, as rare as
    # a handle seen on one customer's two chats
    assert tf("handle_key", "elenap") > 5 * tf("handle_key", "marinasmirnova77")
