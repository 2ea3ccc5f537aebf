"""The time bank (时间银行) in the portal: a resident or member sees their minutes, asks for a
service paid in minutes, takes someone else's ask, confirms one done or cancels it; a community's
administrator grants minutes to a person who cannot earn them and sets the community's allowed
overdraft. Every form goes to the points service as the visitor; its refusals are shown."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.points import AskCreate, AskTake, GrantCreate, OverdraftSet
from gateway.portal.accounts import Role, Session
from gateway.portal.registrations import home_community
from gateway.portal.web import (
    AreaAdminIn,
    ItemId,
    PersonIn,
    Posted,
    ServicesDep,
    back_to,
    local_time,
    number,
    render,
)

router = APIRouter(include_in_schema=False)


def account_of(visitor: Session) -> str:
    """The visitor's own minutes' account: `resident:{id}` or `member:{id}`."""
    actor = visitor.account.actor
    return f"resident:{actor.resident_id}" if visitor.account.role is Role.RESIDENT else f"member:{actor.member_id}"


async def _community(up: ServicesDep, visitor: Session) -> str | None:
    """Where the visitor's asks are: a resident's community, a member's registered one (双报到)."""
    if visitor.account.role is Role.RESIDENT:
        return (visitor.account.area_code or "")[:12] or None
    return await home_community(up)


@router.get("/timebank", response_class=HTMLResponse)
async def bank(request: Request, visitor: PersonIn, up: ServicesDep) -> HTMLResponse:
    """The visitor's minutes, the form to ask, the open asks of their community, and theirs."""
    if visitor.account.role is Role.MEMBER and visitor.account.member_id is None:
        return await render(
            request, "timebank.html", visitor, account=None, balance=None, community=None, open=[], mine=[]
        )
    account = account_of(visitor)
    community = await _community(up, visitor)
    balance, mine, waiting = await asyncio.gather(
        up.get(up.points, f"/accounts/{account}/balance"),
        up.get(up.points, "/timebank/asks/mine"),
        up.get(up.points, "/timebank/asks", {"area_code": community}) if community else asyncio.sleep(0, []),
    )
    return await render(
        request,
        "timebank.html",
        visitor,
        account=account,
        balance=balance,
        community=community,
        open=[a for a in waiting if a["asker"] != account],
        mine=mine,
    )


@router.post("/timebank/asks")
async def ask(visitor: PersonIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    when = local_time(str(form.get("when", "")))
    if when is None:
        return back_to("/timebank", "refused_invalid|when")
    fields = {
        "what": str(form.get("what", "")),
        "when": when,
        "minutes": number(form.get("minutes"), 0),
        "area_code": str(form.get("area_code", "")).strip() or None,
        "name": visitor.account.name,
    }
    return await up.act(up.points, "/timebank/asks", "/timebank", AskCreate, fields)


@router.post("/timebank/asks/{ask_id}/{move}")
async def move(
    ask_id: ItemId, move: Literal["take", "confirm", "cancel"], visitor: PersonIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    path = f"/timebank/asks/{ask_id}/{move}"
    if move == "take":
        return await up.act(up.points, path, "/timebank", AskTake, {"name": visitor.account.name})
    return await up.act(up.points, path, "/timebank")


@router.get("/admin/timebank", response_class=HTMLResponse)
async def admin(request: Request, visitor: AreaAdminIn, up: ServicesDep) -> HTMLResponse:
    """The administrator's grants and, for a community, its allowed overdraft."""
    area = visitor.account.area_code or ""
    grants = await up.get(up.points, f"/timebank/areas/{area}/grants")
    overdraft = await up.get(up.points, f"/timebank/areas/{area}/overdraft") if len(area) == 12 else None
    return await render(request, "timebank_admin.html", visitor, grants=grants, overdraft=overdraft, area=area)


@router.post("/admin/timebank/grants")
async def grant(visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {
        "account": f"{form.get('kind', 'resident')}:{str(form.get('person', '')).strip()}",
        "minutes": number(form.get("minutes"), 0),
        "reason": str(form.get("reason", "")),
        "area_code": str(form.get("area_code", "")).strip(),
    }
    return await up.act(up.points, "/timebank/grants", "/admin/timebank", GrantCreate, fields)


@router.post("/admin/timebank/overdraft")
async def overdraft(visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    path = f"/timebank/areas/{visitor.account.area_code}/overdraft"
    fields = {"overdraft": number(form.get("overdraft"), -1)}
    return await up.act(up.points, path, "/admin/timebank", OverdraftSet, fields, method="PUT")
