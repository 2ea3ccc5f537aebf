"""The portal's project list (项目清单): public pages of every project, its milestones, budget
and spending by funder, person-times planned and served, and — in public notice (公示) after a
milestone — comments and objections from anyone signed in; an organisation's administrator
publishes its projects and records their milestones and spending; the area's administrators
approve spending past a budget and evaluate a project done."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contract.bodies.cobuilding import (
    ApprovalCreate,
    CommentCreate,
    EvaluationCreate,
    LinkCreate,
    MilestoneDone,
    ProjectCreate,
    ProjectStatusChange,
    SpendingCreate,
)
from gateway.portal.web import (
    AreaAdminIn,
    AreaFilter,
    ItemId,
    OrgAdminIn,
    Posted,
    ServicesDep,
    SignedIn,
    Visitor,
    back_to,
    number,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)
MILESTONES = 3  # milestones the form offers


@router.get("/projects", response_class=HTMLResponse)
async def project_list(request: Request, visitor: Visitor, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """Every project (of an area when chosen), those in public notice first."""
    found = await up.get(up.cobuilding, "/projects", {"area_code": area, "limit": 100})
    shown = sorted(found["items"], key=lambda p: (p["notice_until"] is None, p["notice_until"] or ""), reverse=False)
    return await render(request, "projects.html", visitor, projects=shown, area=area or "")


@router.get("/projects/{project_id}", response_class=HTMLResponse)
async def project(request: Request, project_id: ItemId, visitor: Visitor, up: ServicesDep) -> HTMLResponse:
    """A project with what belongs to it added up (as the visitor may see each), and, for its
    owner's administrators, its own needs, activities and venues to add."""
    found = await up.get(up.cobuilding, f"/projects/{project_id}")
    parties = [found["organization_id"], *found["partners"]]
    known, linked = await asyncio.gather(
        asyncio.gather(*(up.organizations.find(f"/organizations/{p}") for p in parties)),
        asyncio.gather(*(_linked(up, link) for link in found["links"])),
    )
    names = {o["id"]: o["name"] for o in known if o}
    shown = [item for item in linked if item is not None]
    own = visitor is not None and visitor.account.organization_id == found["organization_id"]
    return await render(
        request,
        "project.html",
        visitor,
        project=found,
        names=names,
        linked=shown,
        totals=_added_up(shown),
        to_link=await _ours(up, found["organization_id"]) if own else [],
    )


LINKED_FROM = {
    "need": ("needs", "/needs/"),
    "activity": ("needs", "/activities/"),
    "resource": ("resources", "/resources/"),
    "booking": ("resources", "/bookings/"),
}


async def _linked(up: ServicesDep, link: dict[str, str]) -> dict[str, Any] | None:
    """What a link names, as the visitor may see it (None when they may not, or it is gone)."""
    service, path = LINKED_FROM[link["kind"]]
    answer = await getattr(up, service).call("GET", path + link["id"], headers=up.headers())
    return {"kind": link["kind"], **answer.json()} if answer.status_code == 200 else None


def _added_up(linked: list[dict[str, Any]]) -> dict[str, int]:
    """What belongs to the project, counted: needs and the person-times their completed claims
    served, activities and the places taken, venues and services, bookings and their hours."""
    totals = dict.fromkeys(("need", "served", "activity", "taken", "resource", "booking", "hours"), 0)
    for item in linked:
        totals[item["kind"]] += 1
        if item["kind"] == "need":
            totals["served"] += sum(c.get("served") or 0 for c in item.get("claims", []) if c["status"] == "completed")
        elif item["kind"] == "activity":
            totals["taken"] += item.get("taken", 0)
        elif item["kind"] == "booking":
            span = datetime.fromisoformat(item["ends_at"]) - datetime.fromisoformat(item["starts_at"])
            totals["hours"] += round(span.total_seconds() / 3600)
    return totals


async def _ours(up: ServicesDep, organization_id: str) -> list[dict[str, str]]:
    """The owner's needs, activities and resources, to say which belong to the project."""
    needs, activities, resources = await asyncio.gather(
        up.get(up.needs, "/needs", {"organization_id": organization_id, "limit": 100}),
        up.get(up.needs, "/activities", {"mine": "true", "limit": 100}),
        up.get(up.resources, "/resources", {"organization_id": organization_id, "limit": 100}),
    )
    return [
        *({"kind": "need", "id": n["id"], "title": n["title"]} for n in needs["items"]),
        *({"kind": "activity", "id": a["id"], "title": a["title"]} for a in activities["items"]),
        *({"kind": "resource", "id": r["id"], "title": r["name"]} for r in resources["items"]),
    ]


@router.post("/projects/{project_id}/photos")
async def add_photo(
    project_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep, photo: Annotated[UploadFile, File()]
) -> RedirectResponse:
    """A photo of the work, passed on to the co-building service, which checks it."""
    answer = await up.upload(up.cobuilding, f"/projects/{project_id}/photos", photo)
    return back_to(f"/projects/{project_id}#photos", refusal_of(answer) or "saved")


@router.get("/projects/{project_id}/photos/{digest}")
async def photo(project_id: ItemId, digest: str, up: ServicesDep) -> Response:
    """A project's photo: public, as the project is."""
    return await up.photo(up.cobuilding, f"/projects/{project_id}/photos/{digest}")


@router.post("/projects/{project_id}/links")
async def link(project_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    kind, _, item_id = str(form.get("item", "")).partition(":")
    fields = {"kind": kind, "id": item_id}
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/links", f"/projects/{project_id}#linked", LinkCreate, fields
    )


@router.get("/org/projects", response_class=HTMLResponse)
async def ours(request: Request, visitor: OrgAdminIn, up: ServicesDep) -> HTMLResponse:
    organization_id = visitor.account.organization_id
    organization = await up.get(up.organizations, f"/organizations/{organization_id}")
    found, neighbours = await asyncio.gather(
        up.get(up.cobuilding, "/projects", {"organization_id": organization_id, "limit": 100}),
        up.get(up.organizations, "/organizations", {"area": organization["area_code"][:9], "limit": 200}),
    )
    partners = [o for o in neighbours["items"] if o["id"] != organization_id]
    return await render(request, "org_projects.html", visitor, projects=found["items"], partners=partners, n=MILESTONES)


@router.post("/org/projects")
async def publish(visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    milestones = [
        {"title": str(form.get(f"m{n}_title", "")).strip(), "due_on": str(form.get(f"m{n}_due_on", ""))}
        for n in range(1, MILESTONES + 1)
        if str(form.get(f"m{n}_title", "")).strip()
    ]
    fields: dict[str, Any] = {
        "title": str(form.get("title", "")).strip(),
        "category": str(form.get("category", "")),
        "description": str(form.get("description", "")),
        "partners": [str(p) for p in form.getlist("partners") if p],
        "starts_on": str(form.get("starts_on", "")),
        "ends_on": str(form.get("ends_on", "")),
        "budget": number(form.get("budget", ""), -1),
        "planned_person_times": number(form.get("planned_person_times", ""), 0),
        "milestones": milestones,
    }
    return await up.act(up.cobuilding, "/projects", "/org/projects", ProjectCreate, fields)


@router.post("/projects/{project_id}/milestones/{milestone_id}/done")
async def milestone_done(
    project_id: ItemId, milestone_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    fields = {
        "done_on": str(form.get("done_on", "")),
        "note": str(form.get("note", "")),
        "served": number(form.get("served", ""), 0),
    }
    path = f"/projects/{project_id}/milestones/{milestone_id}/done"
    return await up.act(up.cobuilding, path, f"/projects/{project_id}", MilestoneDone, fields)


@router.post("/projects/{project_id}/spending")
async def spend(project_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {
        "on": str(form.get("on", "")),
        "amount": number(form.get("amount", ""), 0),
        "funder": str(form.get("funder", "")).strip(),
        "what": str(form.get("what", "")).strip(),
    }
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/spending", f"/projects/{project_id}#spending", SpendingCreate, fields
    )


@router.post("/projects/{project_id}/status")
async def move(project_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"status": str(form.get("status", ""))}
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/status", f"/projects/{project_id}", ProjectStatusChange, fields
    )


@router.post("/projects/{project_id}/comments")
async def comment(project_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """A comment, or an objection, while the project is in public notice."""
    fields = {"text": str(form.get("text", "")).strip(), "objection": form.get("objection") == "on"}
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/comments", f"/projects/{project_id}#comments", CommentCreate, fields
    )


@router.post("/projects/{project_id}/approvals")
async def approve(project_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"amount": number(form.get("amount", ""), 0), "note": str(form.get("note", "")).strip()}
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/approvals", f"/projects/{project_id}#spending", ApprovalCreate, fields
    )


@router.post("/projects/{project_id}/evaluation")
async def evaluate(project_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"stars": number(form.get("stars", ""), 0), "text": str(form.get("text", ""))}
    return await up.act(
        up.cobuilding, f"/projects/{project_id}/evaluation", f"/projects/{project_id}", EvaluationCreate, fields
    )
