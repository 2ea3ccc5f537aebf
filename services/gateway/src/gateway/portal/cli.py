"""Makes portal accounts, for operations (administrators and organisations' people are not
self-registered; residents register on the portal):

    python -m gateway.portal.cli --username wang --name 王主任 --role area_admin --area-code 350102
    python -m gateway.portal.cli --username li --name 李书记 --role org_admin --organization-id <id>

The password is read from the PORTAL_PASSWORD environment variable, or asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from pymongo import AsyncMongoClient

from gateway.config import Settings
from gateway.portal.accounts import Account, Accounts, Role
from runtime.mongo import Document


async def add_all(people: list[Account], password: str, settings: Settings, *, again: bool = True) -> list[Account]:
    """Stores the accounts in the gateway's database; with `again`, one whose username is
    taken is left as it is (the demo, run twice), else Conflict."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    try:
        accounts = Accounts(client[settings.database], settings.session_minutes)
        await accounts.start()
        store = accounts.ensure if again else accounts.create
        return [await store(account, password) for account in people]
    finally:
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--area-code")
    parser.add_argument("--organization-id")
    parser.add_argument("--member-id")
    args = parser.parse_args()
    account = Account(
        username=args.username,
        name=args.name,
        role=Role(args.role),
        area_code=args.area_code,
        organization_id=args.organization_id,
        member_id=args.member_id,
    )
    if account.role is Role.AREA_ADMIN and not account.area_code:
        parser.error("an area administrator needs --area-code")
    if account.for_organization and not account.organization_id:
        parser.error("an organisation's account needs --organization-id")
    password = os.environ.get("PORTAL_PASSWORD") or getpass.getpass("password: ")
    if len(password) < 8:
        parser.error("the password needs 8 characters at least")
    (made,) = asyncio.run(add_all([account], password, Settings(), again=False))
    print(f"account {made.username} ({made.role.value}) made: {made.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
