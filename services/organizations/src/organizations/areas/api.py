"""The area routes: the hierarchy city → district → street → community → grid → building."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from organizations.areas.models import AreaLevel, AreaNode
from organizations.areas.schemas import AreaNodeCreate, AreaNodeOut
from organizations.areas.service import Areas
from organizations.deps import KnownCaller, View
from organizations.view import RegistryView
from runtime.app import provided
from runtime.pagination import Limit, Page
from runtime.params import AreaPath, AreaQuery

router = APIRouter(prefix="/areas", tags=["areas"])

AreasDep = Annotated[Areas, Depends(provided(Areas))]


def area_out(node: AreaNode, view: RegistryView) -> dict[str, Any]:
    return {
        **node.model_dump(exclude={"id"}),
        "code": node.id,
        "organizations": view.organizations_under(node.id),
        "members": view.members_under(node.id),
    }


@router.post("", status_code=201, response_model=AreaNodeOut)
async def add_area(body: AreaNodeCreate, view: View, areas: AreasDep, caller: KnownCaller) -> dict[str, Any]:
    """Adds a node one level below its parent (an administrator of the parent, or the operators
    for the city itself)."""
    if body.parent_code is None:
        caller.require_operator()
    else:
        caller.require_area(body.parent_code)
    return area_out(await areas.add(body), view)


@router.get("/{code}", response_model=AreaNodeOut)
async def get_area(code: AreaPath, view: View, areas: AreasDep) -> dict[str, Any]:
    """One node, with the organisations and members of its whole subtree counted."""
    return area_out(areas.get(code), view)


@router.get("/{code}/children", response_model=list[AreaNodeOut])
async def children(code: AreaPath, view: View, areas: AreasDep) -> list[dict[str, Any]]:
    """The nodes one level below, each with its counts: the way to drill down."""
    areas.get(code)
    return [area_out(view.areas[c], view) for c in sorted(view.children.get(code, []))]


@router.get("/{code}/path", response_model=list[AreaNodeOut])
async def path(code: AreaPath, view: View, areas: AreasDep) -> list[dict[str, Any]]:
    """From the city down to the node."""
    areas.get(code)
    return [area_out(node, view) for node in view.path(code)]


@router.get("/{code}/subtree", response_model=Page[AreaNodeOut])
async def subtree(
    code: AreaPath,
    view: View,
    areas: AreasDep,
    level: AreaLevel | None = None,
    cursor: AreaQuery = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    """The node and everything below it (optionally one level of it), in code order."""
    areas.get(code)
    codes = sorted(n.id for n in view.subtree(code) if level is None or n.level == level)
    if cursor:
        codes = [c for c in codes if c > cursor]
    page = codes[:limit]
    return {
        "items": [area_out(view.areas[c], view) for c in page],
        "next_cursor": page[-1] if len(page) == limit else None,
    }
