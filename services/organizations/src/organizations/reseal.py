"""Seals every member's and organisation's personal data again under the first key of the ring.

    python -m organizations.reseal             # after putting a new key first in PERSONAL_DATA_KEYS
    python -m organizations.reseal --new-key   # prints a new key, to put first: id:key

Rotating the key: put the new key first (`PERSONAL_DATA_KEYS=k2:<new>,k1:<old>`) and restart
the registry, which now seals with it and still opens what the old one sealed; run this to seal
everything stored under the old key (and whatever was stored before sealing) again; then drop
the old key. On MongoDB it may run while the registry serves: a document changed meanwhile is
left as the registry wrote it, under the new key already. On FerretDB, where one process writes
the registry's database (its writer lease), run it while the registry is stopped. Exits 1 when
some document was left unsealed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from organizations.config import Settings
from organizations.members.repository import MongoMemberRepository
from organizations.organizations.repository import MongoOrganizationRepository
from organizations.personal_data import SealingRepository, new_key
from runtime.mongo import create_client


async def reseal(settings: Settings) -> dict[str, int]:
    """Documents written again, then those still stale, per collection."""
    client = create_client(settings)
    personal = settings.personal_data()
    db = client[settings.database]
    try:
        counts: dict[str, int] = {}
        repos: dict[str, SealingRepository] = {  # type: ignore[type-arg]
            "organizations": MongoOrganizationRepository(db["organizations"], lambda: None, personal=personal),
            "members": MongoMemberRepository(db["members"], lambda: None, personal=personal),
        }
        for name, repo in repos.items():
            counts[f"{name}_resealed"] = await repo.reseal()
            counts[f"{name}_stale"] = sum([repo.stale(d) async for d in repo.collection.find({})])
        return counts
    finally:
        await client.close()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new-key", action="store_true", help="print a new key and exit")
    args = parser.parse_args()
    if args.new_key:
        print(f"k{int(time.time())}:{new_key()}")
        return
    counts = asyncio.run(reseal(Settings()))
    print(json.dumps(counts))
    raise SystemExit(1 if counts["organizations_stale"] or counts["members_stale"] else 0)


if __name__ == "__main__":
    cli()
