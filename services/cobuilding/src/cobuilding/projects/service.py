"""The project list's use cases. An organisation puts a project on the list with its partners,
milestones and budget; its owner (or a milestone's owner) marks a milestone done, which puts the
project's progress and spending in public notice (公示) for `notice_days`; the owner records
spending (over the budget only as far as an area administrator approved) and person-times
served; anyone signed in may comment or object while it is in notice (an objection tells the
owner and the area's administrators); the area's administrators evaluate it once done."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol

from cobuilding.areas import area_query
from cobuilding.clock import CST, Clock
from cobuilding.photos import PhotoRepository, checked
from cobuilding.projects.models import Approval, Comment, Evaluation, Link, Milestone, Project, Spending
from contract.areas import covers
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
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.cobuilding import ProjectData, ProjectObjected, ProjectProgressed, ProjectPublished, ProjectStatus
from contract.ids import new_id
from runtime.actors import Actor, require_organization
from runtime.known_organizations import OrganizationLookup

SOURCE = "/services/cobuilding"
MAX_LINKS = 200
MAX_PHOTOS = 9


class ProjectRepository(Protocol):
    async def add(self, project: Project, events: Sequence[Envelope]) -> None: ...

    async def get(self, project_id: str) -> Project | None: ...

    async def change(
        self, project_id: str, decide: Callable[[Project], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Project, list[Envelope]]: ...

    async def page_kept(
        self, keep: Callable[[Project], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Project]: ...


class ProjectView(Project):
    """A project as shown: whether it is in public notice now (the service's clock says)."""

    in_notice: bool


class Projects:
    def __init__(
        self,
        repo: ProjectRepository,
        organizations: OrganizationLookup,
        clock: Clock,
        photos: PhotoRepository,
        *,
        notice_days: int,
        max_photo_bytes: int,
    ) -> None:
        self.repo = repo
        self.organizations = organizations
        self.clock = clock
        self.photos = photos
        self.notice = timedelta(days=notice_days)
        self.max_photo_bytes = max_photo_bytes

    def shown(self, project: Project) -> ProjectView:
        return ProjectView(**project.model_dump(), in_notice=project.in_notice_at(self.clock.now()))

    async def publish(self, cmd: ProjectCreate, actor: Actor) -> Project:
        owner = require_organization(actor)
        found = await self.organizations.require_active(owner)
        for partner in cmd.partners:
            if partner == owner:
                raise Unprocessable("partners: the owner is not its own partner", field="partners")
            await self.organizations.require_active(partner)
        parties = {owner, *cmd.partners}
        milestones = []
        for m in cmd.milestones:
            by = m.owner_organization_id or owner
            if by not in parties:
                raise Unprocessable(f"milestones: {m.title!r} is owned by no party to the project", field="milestones")
            milestones.append(
                Milestone(milestone_id=new_id(), title=m.title, due_on=m.due_on, owner_organization_id=by)
            )
        project = Project(
            id=new_id(),
            organization_id=owner,
            area_code=str(found["area_code"]),
            milestones=milestones,
            created_at=self.clock.now(),
            **cmd.model_dump(exclude={"milestones"}),
        )
        await self.repo.add(project, [_event(ProjectPublished, project)])
        return project

    async def get(self, project_id: str) -> Project:
        """Any project, to anyone: the project list is public."""
        project = await self.repo.get(project_id)
        if project is None:
            raise NotFound(f"no project {project_id!r}")
        return project

    async def page(
        self, *, area_code: str | None, organization_id: str | None, in_notice: bool, after: str | None, limit: int
    ) -> list[Project]:
        where: dict[str, Any] = area_query(area_code) if area_code else {}
        if organization_id:
            where["organization_id"] = organization_id
        now = self.clock.now()

        def keep(project: Project) -> bool:
            return (area_code is None or covers(area_code, project.area_code)) and (
                not in_notice or project.in_notice_at(now)
            )

        return await self.repo.page_kept(keep, after=after, limit=limit, where=where)

    async def milestone_done(self, project_id: str, milestone_id: str, cmd: MilestoneDone, actor: Actor) -> Project:
        """A milestone done: its progress and spending in public notice for the notice period."""
        acting = require_organization(actor)
        now = self.clock.now()

        def decide(project: Project) -> list[Envelope]:
            milestone = project.milestone(milestone_id)
            if milestone is None:
                raise NotFound(f"the project has no milestone {milestone_id!r}")
            if acting not in (project.organization_id, milestone.owner_organization_id):
                raise Forbidden("the project's owner, or the milestone's, marks it done")
            project.require(ProjectStatus.PLANNED, ProjectStatus.UNDER_WAY)
            if milestone.done_on is not None:
                raise Conflict("the milestone is done already", done_on=milestone.done_on.isoformat())
            if not project.starts_on <= cmd.done_on <= now.astimezone(CST).date():
                raise Unprocessable("done_on: a day from the project's start to today", field="done_on")
            milestone.done_on, milestone.note = cmd.done_on, cmd.note
            project.served_person_times += cmd.served
            project.status = ProjectStatus.UNDER_WAY
            project.notice_until = now + self.notice
            return [_event(ProjectProgressed, project)]

        project, _ = await self.repo.change(project_id, decide)
        return project

    async def spend(self, project_id: str, cmd: SpendingCreate, actor: Actor) -> Project:
        """Money spent, refused past the budget unless an administrator approved as much."""
        acting = require_organization(actor)

        def decide(project: Project) -> list[Envelope]:
            _require_owner(project, acting)
            project.require(ProjectStatus.PLANNED, ProjectStatus.UNDER_WAY, ProjectStatus.DONE)
            if project.spent + cmd.amount > project.allowed:
                raise Conflict(
                    "spending over the budget needs an area administrator's approval first",
                    budget=project.budget,
                    allowed=project.allowed,
                    spent=project.spent,
                )
            project.spending.append(Spending(spending_id=new_id(), recorded_at=self.clock.now(), **cmd.model_dump()))
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def approve(self, project_id: str, cmd: ApprovalCreate, actor: Actor) -> Project:
        def decide(project: Project) -> list[Envelope]:
            if not actor.administers(project.area_code):
                raise Forbidden("an administrator of the project's area approves spending past its budget")
            assert actor.area_code is not None
            project.approvals.append(
                Approval(amount=cmd.amount, note=cmd.note, by=actor.area_code, at=self.clock.now())
            )
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def link(self, project_id: str, cmd: LinkCreate, actor: Actor) -> Project:
        """A need, resource, activity or booking of the project's, by its owner or a partner; once each."""
        acting = require_organization(actor)

        def decide(project: Project) -> list[Envelope]:
            _require_party(project, acting)
            if len(project.links) >= MAX_LINKS:
                raise Conflict(f"a project holds {MAX_LINKS} links at most", links=MAX_LINKS)
            if all((link.kind, link.id) != (cmd.kind, cmd.id) for link in project.links):
                project.links.append(Link(kind=cmd.kind, id=cmd.id))
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def add_photo(self, project_id: str, content: bytes, actor: Actor) -> Project:
        """A photo of the work, by the project's owner or a partner (shown on its public page)."""
        acting = require_organization(actor)
        content_type = checked(content, self.max_photo_bytes)
        _require_party(await self.get(project_id), acting)  # before the photo is stored
        digest = await self.photos.put(content, content_type)

        def decide(project: Project) -> list[Envelope]:
            _require_party(project, acting)
            if digest not in project.photos:
                if len(project.photos) >= MAX_PHOTOS:
                    raise Conflict(f"a project shows {MAX_PHOTOS} photos at most", photos=MAX_PHOTOS)
                project.photos.append(digest)
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def photo(self, project_id: str, digest: str) -> tuple[bytes, str]:
        project = await self.get(project_id)
        found = await self.photos.get(digest) if digest in project.photos else None
        if found is None:
            raise NotFound(f"project {project_id!r} has no photo {digest!r}")
        return found

    async def move(self, project_id: str, cmd: ProjectStatusChange, actor: Actor) -> Project:
        acting = require_organization(actor)

        def decide(project: Project) -> list[Envelope]:
            _require_owner(project, acting)
            project.require(ProjectStatus.PLANNED, ProjectStatus.UNDER_WAY)
            project.status = ProjectStatus(cmd.status)
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def comment(self, project_id: str, cmd: CommentCreate, actor: Actor, name: str = "") -> Project:
        """A comment or an objection, from anyone signed in, while the project is in public notice."""
        who = actor.person
        if who is None:
            raise Forbidden("a comment is someone's: sign in to comment")
        now = self.clock.now()

        def decide(project: Project) -> list[Envelope]:
            if not project.in_notice_at(now):
                raise Conflict("comments are taken while the project is in public notice", notice_until=None)
            project.comments.append(
                Comment(comment_id=new_id(), by=who, name=name, text=cmd.text, objection=cmd.objection, at=now)
            )
            return [_event(ProjectObjected, project)] if cmd.objection else []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project

    async def evaluate(self, project_id: str, cmd: EvaluationCreate, actor: Actor) -> Project:
        def decide(project: Project) -> list[Envelope]:
            if not actor.administers(project.area_code):
                raise Forbidden("an administrator of the project's area evaluates it")
            project.require(ProjectStatus.DONE)
            assert actor.area_code is not None
            project.evaluation = Evaluation(stars=cmd.stars, text=cmd.text, by=actor.area_code, at=self.clock.now())
            project.status = ProjectStatus.EVALUATED
            return []

        project, _ = await self.repo.change(project_id, decide, quiet=True)
        return project


def _require_party(project: Project, organization_id: str) -> None:
    if organization_id not in (project.organization_id, *project.partners):
        raise Forbidden("the project's owner or a partner of it does this")


def _require_owner(project: Project, organization_id: str) -> None:
    if organization_id != project.organization_id:
        raise Forbidden("only the project's owner does this")


def _event(event: type[Envelope], project: Project) -> Envelope:
    data = data_of(ProjectData, project, project_id=project.id)
    return event(source=SOURCE, subject=project.id, data=data)  # type: ignore[call-arg]  # each project event has `data`
