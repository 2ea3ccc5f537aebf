"""What the points service says of an account, for the page of its owner: its points and
hours, and its postings with their causes, where they were earned, through which organisation
and on what. A page still shows without them when the points service does not answer."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.portal.accounts import Role, Session
from gateway.portal.web import PortalRefusal, ServicesDep
from gateway.upstreams import UpstreamError


async def points_of(up: ServicesDep, account: str) -> dict[str, Any] | None:
    """`{"balance": {...}, "postings": [...]}` of `account`, or None when the service cannot say."""
    try:
        balance, postings = await asyncio.gather(
            up.get(up.points, f"/accounts/{account}/balance"),
            up.get(up.points, f"/accounts/{account}/postings", {"limit": 10}),
        )
    except (PortalRefusal, UpstreamError):
        return None
    return {"balance": balance, "postings": postings["items"]}


def person_account(visitor: Session) -> str:
    """The ledger's account of the person signed in: a resident's, or a member's; a 403 page for
    an account that is no person's (an area's administrator, an organisation's without a member)."""
    account = visitor.account
    if account.role is Role.RESIDENT:
        return f"resident:{account.id}"
    if account.role in (Role.MEMBER, Role.ORG_ADMIN) and account.member_id:
        return f"member:{account.member_id}"
    raise PortalRefusal(403, "no_person_account")


async def names_of(up: ServicesDep, items: list[dict[str, Any]], lang: str = "zh") -> dict[str, str]:
    """The names of the organisations and areas `items` name (`organization_id`, `area_code`),
    as the points service and the registry know them (an area's in English when asked and
    known); one that cannot be found stays unnamed."""
    wanted = {("org", i["organization_id"]) for i in items if i.get("organization_id")} | {
        ("area", i["area_code"]) for i in items if i.get("area_code")
    }

    async def name(kind: str, key: str) -> tuple[str, str | None]:
        try:
            if kind == "org":
                return key, (await up.get(up.points, f"/known-organizations/{key}"))["name"]
            area = await up.get(up.organizations, f"/areas/{key}")
            return key, (lang == "en" and area.get("name_en")) or area["name"]
        except (PortalRefusal, UpstreamError, KeyError):
            return key, None

    found = await asyncio.gather(*(name(kind, key) for kind, key in sorted(wanted)))
    return {key: value for key, value in found if value}
