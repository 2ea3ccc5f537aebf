"""The local stack's PostgreSQL behind FerretDB (`deploy/local/ferretdb-indexes.sql`): a lookup
by an indexed field is answered by the index's GIN twin (which keeps no pending list), and an
index that is not unique is kept empty (FerretDB reads no btree but for uniqueness), while
FerretDB still sees, drops and makes its indexes as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from runtime.mongo import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
import stack  # a script's module, beside the stack

pytestmark = pytest.mark.stack


def psql(*args: str) -> str:
    """What PostgreSQL's psql prints, run on FerretDB's database with `args`."""
    postgres = stack.postgres_bin()
    if stack.FERRETDB_HANDLER != "postgresql" or postgres is None:
        pytest.skip("FerretDB is not on PostgreSQL here")
    command = [str(postgres / "psql"), "-h", "127.0.0.1", "-p", str(stack.POSTGRES_PORT), "-U", "postgres"]
    return subprocess.run([*command, "-d", "ferretdb", *args], capture_output=True, text=True, check=True).stdout


def indexes_of(schema: str) -> dict[str, str]:
    """PostgreSQL's indexes in a database's schema, each by the field(s) it is on."""
    query = f"SELECT indexdef FROM pg_indexes WHERE schemaname = '{schema}' AND indexname NOT LIKE '%metadata%'"
    return {_named(d): d for d in psql("-At", "-c", query).split("\n") if d}


def _named(definition: str) -> str:
    """An index by its fields, sorted ("at kind"), and " gin" for a GIN one."""
    fields = sorted({part.split("'")[0] for part in definition.split("_jsonb -> '")[1:]})
    return " ".join(fields) + (" gin" if "USING gin" in definition else "")


async def test_lookups_use_the_gin_twins_and_only_unique_btrees_are_filled(db: AsyncDatabase[Document]) -> None:
    things = db["things"]
    await things.create_index("kind")
    await things.create_index("code", unique=True)
    await things.create_index([("kind", 1), ("at", 1)])
    await things.insert_many([{"_id": f"t{i}", "kind": i % 3, "code": i, "at": i} for i in range(300)])

    made = indexes_of(db.name)
    assert made["kind"].endswith("WHERE false") and made["at kind"].endswith("WHERE false")  # never read: empty
    assert "UNIQUE" in made["code"] and "WHERE" not in made["code"]  # uniqueness is still the btree's
    assert "UNIQUE" in made["_id"] and "WHERE" not in made["_id"]
    assert {"kind gin", "code gin", "_id gin"} <= made.keys()
    assert all(made[twin].endswith("WITH (fastupdate=off)") for twin in ("kind gin", "code gin", "_id gin"))

    plan = await db.command("explain", {"find": "things", "filter": {"kind": 1}})
    assert "_gin" in json.dumps(plan["queryPlanner"])  # answered by the twin, not by reading the table
    assert len(await things.find({"kind": 1}).to_list()) == 100
    with pytest.raises(DuplicateKeyError):
        await things.insert_one({"_id": "again", "kind": 0, "code": 7})

    await things.drop_index("kind_1")  # FerretDB drops the emptied index as its own
    await things.create_index("kind")
    assert "kind_1" in await things.index_information()
    assert indexes_of(db.name)["kind"].endswith("WHERE false")


async def test_a_twin_made_with_a_pending_list_goes_without_it_at_the_next_start(db: AsyncDatabase[Document]) -> None:
    things = db["things"]
    await things.create_index("kind")
    twin = psql(
        "-At", "-c", f"SELECT indexname FROM pg_indexes WHERE schemaname = '{db.name}' AND indexname LIKE '%kind%gin'"
    )
    twin = f'"{db.name}".{twin.strip()}'
    psql("-c", f"ALTER INDEX {twin} SET (fastupdate = on)")  # as earlier versions of the file made them
    await things.insert_many([{"_id": f"t{i}", "kind": i % 3} for i in range(300)])  # into its pending list
    assert indexes_of(db.name)["kind gin"].endswith("WITH (fastupdate='on')")

    psql("-q", "-v", "ON_ERROR_STOP=1", "-c", stack.FERRETDB_INDEXES.read_text())  # what each start runs

    assert indexes_of(db.name)["kind gin"].endswith("WITH (fastupdate=off)")
    merged = psql("-At", "-c", f"SELECT gin_clean_pending_list('{twin}')")
    assert merged.strip() == "0"  # the list was merged by the file: nothing left to merge
    assert len(await things.find({"kind": 1}).to_list()) == 100
