"""The routes of the project list (项目清单). Who may call each: anyone reads a project (the list
is public, and so is its progress and spending); an organisation publishes its own and records
what it did; the area's administrators approve spending past the budget and evaluate; anyone
signed in comments or objects while the project is in public notice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile

from cobuilding.projects.service import Projects, ProjectView
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
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath, IdQuery

router = APIRouter(tags=["project list"])

ProjectsDep = Annotated[Projects, Depends(provided(Projects))]


@router.post("/projects", status_code=201, response_model=ProjectView)
async def publish(body: ProjectCreate, projects: ProjectsDep, actor: ActiveActor) -> ProjectView:
    """A project of the acting organisation, with its partners, milestones and budget."""
    return projects.shown(await projects.publish(body, actor))


@router.get("/projects", response_model=Page[ProjectView])
async def list_projects(
    projects: ProjectsDep,
    area_code: AreaQuery = None,
    organization_id: IdQuery = None,
    in_notice: Annotated[bool, Query(description="only those in public notice now")] = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """The project list, of an area's subtree or an organisation if asked; public."""
    found = await projects.page(
        area_code=area_code, organization_id=organization_id, in_notice=in_notice, after=cursor, limit=limit
    )
    return page_of([projects.shown(p) for p in found], limit)


@router.get("/projects/{project_id}", response_model=ProjectView)
async def get_project(project_id: IdPath, projects: ProjectsDep) -> ProjectView:
    return projects.shown(await projects.get(project_id))


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", response_model=ProjectView)
async def milestone_done(
    project_id: IdPath, milestone_id: IdPath, body: MilestoneDone, projects: ProjectsDep, actor: ActiveActor
) -> ProjectView:
    """A milestone done (with the person-times it served): the project goes into public notice."""
    return projects.shown(await projects.milestone_done(project_id, milestone_id, body, actor))


@router.post("/projects/{project_id}/spending", response_model=ProjectView)
async def spend(project_id: IdPath, body: SpendingCreate, projects: ProjectsDep, actor: ActiveActor) -> ProjectView:
    """Money spent and who funded it; 409 past the budget and what administrators approved."""
    return projects.shown(await projects.spend(project_id, body, actor))


@router.post("/projects/{project_id}/approvals", response_model=ProjectView)
async def approve(project_id: IdPath, body: ApprovalCreate, projects: ProjectsDep, actor: ActorDep) -> ProjectView:
    """An area administrator allows spending past the budget, by up to `amount` yuan."""
    return projects.shown(await projects.approve(project_id, body, actor))


@router.post("/projects/{project_id}/links", response_model=ProjectView)
async def link(project_id: IdPath, body: LinkCreate, projects: ProjectsDep, actor: ActiveActor) -> ProjectView:
    """A need, resource, activity or booking that belongs to the project (its page adds them up)."""
    return projects.shown(await projects.link(project_id, body, actor))


@router.post("/projects/{project_id}/photos", response_model=ProjectView)
async def add_photo(
    project_id: IdPath,
    projects: ProjectsDep,
    actor: ActiveActor,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
) -> ProjectView:
    """A photo of the work, by the project's owner or a partner (9 at most)."""
    return projects.shown(await projects.add_photo(project_id, await photo.read(projects.max_photo_bytes + 1), actor))


@router.get("/projects/{project_id}/photos/{digest}")
async def get_photo(
    project_id: IdPath, digest: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], projects: ProjectsDep
) -> Response:
    """A project's photo: public, as the project is."""
    content, content_type = await projects.photo(project_id, digest)
    return Response(content, media_type=content_type)


@router.post("/projects/{project_id}/status", response_model=ProjectView)
async def move(project_id: IdPath, body: ProjectStatusChange, projects: ProjectsDep, actor: ActiveActor) -> ProjectView:
    return projects.shown(await projects.move(project_id, body, actor))


@router.post("/projects/{project_id}/comments", response_model=ProjectView)
async def comment(project_id: IdPath, body: CommentCreate, projects: ProjectsDep, actor: ActorDep) -> ProjectView:
    """A comment or an objection (异议) while the project is in public notice; anyone signed in."""
    return projects.shown(await projects.comment(project_id, body, actor))


@router.post("/projects/{project_id}/evaluation", response_model=ProjectView)
async def evaluate(project_id: IdPath, body: EvaluationCreate, projects: ProjectsDep, actor: ActorDep) -> ProjectView:
    """The area administrators' evaluation of a project done."""
    return projects.shown(await projects.evaluate(project_id, body, actor))
