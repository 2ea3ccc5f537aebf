"""The needs service's use cases and read model against fakes of its own ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contract.bodies.needs import ClaimCreate, ClaimDone, NeedCreate, NeedEdit
from contract.errors import Conflict, Forbidden, NotFound
from contract.events.matching import MatchAccepted, MatchAcceptedData
from contract.events.needs import ClaimCompleted, NeedStatus
from contract.taxonomy import Category
from needs.needs.models import ClaimStatus, Need
from needs.needs.schemas import HistoryImport, PastNeed
from needs.needs.service import Needs, may_see
from needs.needs.view import NeedsView
from runtime.actors import Actor, ActorKind

from .fakes import AREA, HELPER, MEMBER, OTHER, POSTER, STRANGER, SUSPENDED, FakeNeeds, org


def _cmd(**overrides: Any) -> NeedCreate:
    fields: dict[str, Any] = {
        "title": "急救培训",
        "category": Category.FIRST_AID_TRAINING,
        "area_code": AREA,
        "quantity": 5,
    }
    return NeedCreate(**(fields | overrides))


async def test_a_posted_need_is_open_and_announced(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(), org(POSTER))

    assert need.status is NeedStatus.OPEN and need.posted_at is not None
    assert repo.types() == ["need.posted"]


async def test_a_draft_says_nothing_until_published(needs: Needs, repo: FakeNeeds) -> None:
    draft = await needs.post(_cmd(draft=True), org(POSTER))
    assert repo.types() == [] and not may_see(draft, org(HELPER))

    published = await needs.act(draft.id, "publish", org(POSTER))

    assert published.status is NeedStatus.OPEN and repo.types() == ["need.posted"]


async def test_an_organisation_posts_its_own_needs_only(needs: Needs) -> None:
    with pytest.raises(Forbidden):
        await needs.post(_cmd(organization_id=HELPER), org(POSTER))
    with pytest.raises(Forbidden):
        await needs.post(_cmd(), Actor(kind=ActorKind.RESIDENT, resident_id="r" * 32, area_code=AREA))


async def test_an_area_administrator_posts_a_need_for_an_organisation_of_their_area_only(needs: Needs) -> None:
    community = Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA)
    posted = await needs.post(_cmd(organization_id=POSTER), community)  # a joint meeting's decision
    assert (posted.organization_id, posted.posted_for_by) == (POSTER, AREA)
    elsewhere = Actor(kind=ActorKind.AREA_ADMIN, area_code="350102002001")
    with pytest.raises(Forbidden):
        await needs.post(_cmd(organization_id=POSTER), elsewhere)
    with pytest.raises(Forbidden):  # nor for an organisation that may not act
        await needs.post(_cmd(organization_id=SUSPENDED), community)
    with pytest.raises(Forbidden):  # naming no organisation, it is no organisation's
        await needs.post(_cmd(), community)


async def test_claims_move_the_need_and_never_exceed_its_quantity(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(quantity=5), org(POSTER))

    first = await needs.claim(need.id, ClaimCreate(quantity=3), org(HELPER))
    assert (await needs.get(need.id, None)).status is NeedStatus.PARTLY_CLAIMED
    with pytest.raises(Conflict, match="only 2 of 5"):
        await needs.claim(need.id, ClaimCreate(quantity=3), org(OTHER))
    await needs.claim(need.id, ClaimCreate(quantity=2), org(OTHER))
    assert (await needs.get(need.id, None)).status is NeedStatus.FULLY_CLAIMED

    released = await needs.act_on_claim(need.id, first.id, "release", org(HELPER))

    assert released.status is NeedStatus.PARTLY_CLAIMED and released.claimed == 2
    assert repo.types().count("claim.made") == 2 and "claim.released" in repo.types()


async def test_a_member_claims_only_through_an_organisation_they_belong_to(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(quantity=5), org(POSTER))

    with pytest.raises(Forbidden, match="belong to"):
        await needs.claim(need.id, ClaimCreate(quantity=1, member_id=STRANGER), org(HELPER))
    with pytest.raises(Forbidden, match="belong to"):
        await needs.claim(need.id, ClaimCreate(quantity=1), org(HELPER, member_id=STRANGER))
    claim = await needs.claim(need.id, ClaimCreate(quantity=1, member_id=MEMBER), org(HELPER))

    assert claim.member_id == MEMBER and repo.types().count("claim.made") == 1


async def test_a_suspended_organisation_neither_posts_nor_claims(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(quantity=5), org(POSTER))

    with pytest.raises(Forbidden, match="suspended"):
        await needs.post(_cmd(), org(SUSPENDED))
    with pytest.raises(Forbidden, match="suspended"):
        await needs.claim(need.id, ClaimCreate(quantity=1), org(SUSPENDED))
    assert repo.types() == ["need.posted"]


async def test_only_the_claimer_releases_and_only_the_poster_completes(needs: Needs) -> None:
    need = await needs.post(_cmd(), org(POSTER))
    claim = await needs.claim(need.id, ClaimCreate(quantity=1), org(HELPER))

    with pytest.raises(Forbidden):
        await needs.act_on_claim(need.id, claim.id, "release", org(OTHER))
    with pytest.raises(Forbidden):
        await needs.act_on_claim(need.id, claim.id, "complete", org(HELPER))
    with pytest.raises(Forbidden):
        await needs.claim(need.id, ClaimCreate(), org(POSTER))
    with pytest.raises(Forbidden):
        await needs.edit(need.id, NeedEdit(title="改"), org(HELPER))


async def test_a_completed_claim_keeps_its_share_of_the_quantity(needs: Needs) -> None:
    need = await needs.post(_cmd(quantity=1), org(POSTER))
    claim = await needs.claim(need.id, ClaimCreate(quantity=1), org(HELPER))

    done = await needs.act_on_claim(need.id, claim.id, "complete", org(POSTER))

    assert done.claimed == 1 and done.status is NeedStatus.FULLY_CLAIMED
    with pytest.raises(Conflict):
        await needs.claim(need.id, ClaimCreate(quantity=1), org(OTHER))
    with pytest.raises(Conflict, match="completed already"):
        await needs.act_on_claim(need.id, claim.id, "release", org(HELPER))


async def test_a_move_the_lifecycle_forbids_is_a_conflict_naming_the_allowed_ones(needs: Needs) -> None:
    need = await needs.post(_cmd(), org(POSTER))

    with pytest.raises(Conflict) as refused:
        await needs.act(need.id, "fulfil", org(POSTER))

    assert refused.value.details == {
        "status": "open",
        "allowed": ["cancelled", "expired", "fully_claimed", "partly_claimed"],
    }


async def test_the_whole_lifecycle_counts_what_was_done(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(quantity=2), org(POSTER))
    done = await needs.claim(need.id, ClaimCreate(quantity=1), org(HELPER))
    await needs.claim(need.id, ClaimCreate(quantity=1), org(OTHER))
    await needs.act_on_claim(need.id, done.id, "start", org(HELPER))
    await needs.act(need.id, "start", org(POSTER))
    assert needs.view.stats()["totals"] == {"posted": 1, "claims": 0, "fulfilled": 0, "open": 0, "overdue": 0}

    fulfilled = await needs.act(need.id, "fulfil", org(POSTER))
    confirmed = await needs.act(need.id, "confirm", Actor(kind=ActorKind.AREA_ADMIN, area_code="350102"))

    assert fulfilled.status is NeedStatus.FULFILLED and confirmed.status is NeedStatus.CONFIRMED
    assert [c.status for c in confirmed.claims] == [ClaimStatus.COMPLETED, ClaimStatus.RELEASED]
    assert needs.view.stats("350102")["totals"] == {"posted": 1, "claims": 1, "fulfilled": 1, "open": 0, "overdue": 0}
    assert needs.view.stats("350103")["totals"]["posted"] == 0
    assert repo.types()[-4:] == ["claim.completed", "claim.released", "need.fulfilled", "need.updated"]


async def test_cancelling_releases_the_live_claims(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(), org(POSTER))
    await needs.claim(need.id, ClaimCreate(quantity=2), org(HELPER))

    cancelled = await needs.act(need.id, "cancel", org(POSTER))

    assert cancelled.status is NeedStatus.CANCELLED and cancelled.claimed == 0
    assert repo.types()[-2:] == ["claim.released", "need.cancelled"]
    with pytest.raises(Conflict):
        await needs.claim(need.id, ClaimCreate(), org(OTHER))


async def test_the_sweep_expires_overdue_needs_and_unstarted_claims(needs: Needs, repo: FakeNeeds) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    lonely = await needs.post(_cmd(starts_at=soon), org(POSTER))
    claimed = await needs.post(_cmd(starts_at=soon, quantity=3), org(POSTER))
    await needs.claim(claimed.id, ClaimCreate(quantity=1), org(HELPER))

    assert await needs.sweep(datetime.now(UTC)) == 0
    assert await needs.sweep(soon + timedelta(seconds=1)) == 2

    assert (await needs.get(lonely.id, None)).status is NeedStatus.EXPIRED
    after = await needs.get(claimed.id, None)
    assert after.status is NeedStatus.EXPIRED and after.claims[0].status is ClaimStatus.EXPIRED
    assert needs.view.stats()["totals"]["overdue"] == 2
    assert repo.types().count("need.expired") == 2 and repo.types().count("claim.released") == 1


async def test_an_accepted_match_becomes_one_claim_or_a_refusal(needs: Needs, repo: FakeNeeds) -> None:
    need = await needs.post(_cmd(quantity=1), org(POSTER))

    def accepted(proposal: str) -> MatchAccepted:
        data = MatchAcceptedData(
            proposal_id=proposal * 32,
            need_id=need.id,
            need_organization_id=POSTER,
            resource_id="e" * 32,
            resource_organization_id=HELPER,
        )
        return MatchAccepted(source="/test", subject=need.id, data=data)

    await needs.on_match_accepted(accepted("1"))
    await needs.on_match_accepted(accepted("1"))  # redelivered
    await needs.on_match_accepted(accepted("2"))  # nothing left

    claims = (await needs.get(need.id, None)).claims
    assert [(c.id, c.organization_id) for c in claims] == [("1" * 32, HELPER)]
    assert repo.types()[-1] == "claim.refused" and "fully_claimed" in repo.events[-1].data.reason  # type: ignore[attr-defined]


async def test_an_accepted_match_on_a_need_shown_to_its_area_is_claimed_by_the_supplier_there(
    needs: Needs, repo: FakeNeeds
) -> None:
    shown = await needs.post(_cmd(visibility="area", visible_to=AREA[:9]), org(POSTER))
    data = MatchAcceptedData(
        proposal_id="1" * 32,
        need_id=shown.id,
        need_organization_id=POSTER,
        resource_id="e" * 32,
        resource_organization_id=HELPER,  # registered in AREA, inside the street the need is shown to
    )

    await needs.on_match_accepted(MatchAccepted(source="/test", subject=shown.id, data=data))

    assert [(c.id, c.organization_id) for c in (await needs.get(shown.id, org(POSTER))).claims] == [("1" * 32, HELPER)]
    assert "claim.refused" not in repo.types()


async def test_visibility_limits_who_sees_a_need(needs: Needs) -> None:
    partners = await needs.post(_cmd(visibility="partners", visible_to=AREA), org(POSTER))
    area = await needs.post(_cmd(visibility="area", visible_to="350102"), org(POSTER))
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="r" * 32, area_code=AREA)

    def helper_co_builds(organization_id: str | None, of: str, community: str | None) -> bool:
        return (organization_id, of) == (HELPER, POSTER)

    # for partners: an organisation co-building with the poster, wherever it is; not a neighbour who is not
    assert may_see(partners, org(HELPER, "350102002001"), helper_co_builds) and not may_see(partners, org(HELPER))
    assert not may_see(partners, org(OTHER), helper_co_builds)
    assert not may_see(partners, resident) and not may_see(partners, None)
    assert may_see(area, resident) and not may_see(area, org(HELPER, "350103001001"))
    with pytest.raises(NotFound):
        await needs.get(partners.id, None)


async def test_the_statistics_are_what_a_recount_finds(needs: Needs, repo: FakeNeeds) -> None:
    for i in range(6):
        need = await needs.post(_cmd(area_code=f"35010{2 + i % 2}001001", quantity=2), org(POSTER))
        claim = await needs.claim(need.id, ClaimCreate(quantity=1 + i % 2), org(HELPER))
        if i % 3 == 0:  # the first serves as many as it claimed (1), the other says it served 5 person-times
            done = None if i == 0 else ClaimDone(served=5)
            await needs.act_on_claim(need.id, claim.id, "complete", org(POSTER), done)
        if i % 3 == 1:
            await needs.act(need.id, "cancel", org(POSTER))

    recount = NeedsView()
    async for need in repo.all():
        recount.put(need)

    for node in ("", "350100", "350102", "350103001001"):
        assert needs.view.stats(node) == recount.stats(node)
    assert needs.view.stats()["totals"] == {"posted": 6, "claims": 1 + 5, "fulfilled": 0, "open": 2, "overdue": 0}


def _past(need_id: str, posted: datetime, claims: int, area_code: str = AREA) -> PastNeed:
    made = posted + timedelta(hours=2)
    claim = {"organization_id": HELPER, "made_at": made, "completed_at": made + timedelta(days=1)}
    return PastNeed(
        id=need_id * 32,
        organization_id=POSTER,
        title="助老",
        category=Category.ELDERLY_CARE,
        area_code=area_code,
        quantity=3,
        posted_at=posted,
        fulfilled_at=posted + timedelta(days=3),
        claims=[claim] * claims,
    )


async def test_the_history_counts_in_its_own_months_and_imports_once(needs: Needs, repo: FakeNeeds) -> None:
    city = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")
    history = HistoryImport(
        needs=[_past("1", datetime(2025, 3, 10, tzinfo=UTC), 3), _past("2", datetime(2025, 7, 1, tzinfo=UTC), 2)]
    )

    assert await needs.import_history(history, city) == {"imported": 2, "already_there": 0}
    assert await needs.import_history(history, city) == {"imported": 0, "already_there": 2}

    stats = needs.view.stats("350102")
    assert stats["totals"] == {"posted": 2, "claims": 5, "fulfilled": 2, "open": 0, "overdue": 0}
    assert stats["by_month"] == {
        "2025-03": {"posted": 1, "claims": 3, "fulfilled": 1},
        "2025-07": {"posted": 1, "claims": 2, "fulfilled": 1},
    }
    # each past claim is announced completed, when it was, once: the second import announces nothing
    assert repo.types() == ["claim.completed"] * 5
    assert {e.data.organization_id for e in repo.events if isinstance(e, ClaimCompleted)} == {HELPER}
    assert {e.time for e in repo.events} == {c.completed_at for n in history.needs for c in n.claims}


async def test_only_an_administrator_of_the_area_imports_its_history(needs: Needs) -> None:
    history = HistoryImport(needs=[_past("3", datetime(2025, 3, 10, tzinfo=UTC), 1)])

    for outsider in (Actor(kind=ActorKind.AREA_ADMIN, area_code="350103"), org(POSTER)):
        with pytest.raises(Forbidden):
            await needs.import_history(history, outsider)
    with pytest.raises(ValueError, match="more than the quantity"):
        _past("4", datetime(2025, 3, 10, tzinfo=UTC), 4)


async def test_an_organisations_lists_look_at_its_own_needs_not_the_citys(needs: Needs) -> None:
    posted = [await needs.post(_cmd(), org(POSTER)) for _ in range(3)]
    others = [await needs.post(_cmd(), org(OTHER)) for _ in range(40)]
    await needs.claim(posted[0].id, ClaimCreate(quantity=1), org(HELPER))
    released = await needs.claim(others[5].id, ClaimCreate(quantity=1), org(HELPER))
    await needs.act_on_claim(others[5].id, released.id, "release", org(HELPER))
    await needs.claim(others[7].id, ClaimCreate(quantity=1), org(POSTER))
    view = needs.view

    def listed(posted_by: str | None, claimed_by: str | None) -> tuple[list[str], int]:
        """The ids listed, and how many needs were looked at to list them."""
        looked_at = 0

        def keep(need: Need) -> bool:
            nonlocal looked_at
            looked_at += 1
            return (posted_by is None or need.organization_id == posted_by) and (
                claimed_by is None or any(c.organization_id == claimed_by for c in need.claims)
            )

        everything = [n.id for n in view.browse(keep, after=None, limit=50)]
        looked_at = 0
        among = view.among(posted_by=posted_by, claimed_by=claimed_by)
        found = [n.id for n in view.browse(keep, after=None, limit=50, among=among)]
        assert found == everything
        return found, looked_at

    assert listed(POSTER, None) == (sorted(n.id for n in posted), 3)
    assert listed(None, HELPER) == (sorted([posted[0].id, others[5].id]), 2)
    assert listed(POSTER, HELPER) == ([posted[0].id], 1)
    assert listed(HELPER, None) == ([], 0)
    assert view.among(posted_by=None, claimed_by=None) is None
