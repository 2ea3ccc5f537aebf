"""The needs service's use cases."""

from __future__ import annotations

from needs.models import Need
from needs.repository import NeedRepository
from needs.schemas import NeedCreate
from shared.errors import NotFound
from shared.events import NeedPosted, NeedPostedData
from shared.ids import new_id
from shared.known_organizations import OrganizationLookup

SOURCE = "/services/needs"


async def post_need(cmd: NeedCreate, *, repo: NeedRepository, organizations: OrganizationLookup) -> Need:
    """Opens a need of a registered organisation for claims and announces it."""
    await organizations.require(cmd.organization_id)
    need = Need(id=new_id(), **cmd.model_dump())
    posted = NeedPosted(
        source=SOURCE,
        subject=need.id,
        data=NeedPostedData(
            need_id=need.id,
            organization_id=need.organization_id,
            title=need.title,
            category=need.category,
            area_code=need.area_code,
            quantity=need.quantity,
        ),
    )
    await repo.add(need, [posted])
    return need


async def get_need(need_id: str, *, repo: NeedRepository) -> Need:
    """One need, or NotFound."""
    need = await repo.get(need_id)
    if need is None:
        raise NotFound(f"no need {need_id!r}")
    return need
