"""Claims checked out of as they end, on a fake of the store of what is attended: a claim of an
imported history was never made here, so its end changes nothing and costs no write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import uuid4

from contract.events.needs import ClaimCompleted, ClaimData
from contract.events.points import AttendedKind
from points.attendance.models import Attended, Running
from points.attendance.repository import AttendanceRepository
from points.attendance.service import Attendances
from points.earning.service import NeedRepository


class RecordedStatuses:
    """The statuses set, in order."""

    def __init__(self) -> None:
        self.set: list[tuple[list[str], str]] = []

    async def learn(self, attended: Attended) -> None: ...

    async def remember(self, attended: Attended) -> None: ...

    async def set_status(self, keys: Sequence[str], status: str) -> None:
        self.set.append((list(keys), status))

    async def get(self, key: str) -> Attended | None:
        return None


def completed(*, imported: bool) -> ClaimCompleted:
    data = ClaimData(
        claim_id=uuid4().hex,
        need_id=uuid4().hex,
        need_organization_id="poster",
        organization_id="helpers",
        quantity=1,
        imported=imported,
    )
    return ClaimCompleted(source="needs", subject=data.need_id, data=data)


def attendances(statuses: RecordedStatuses) -> Attendances:
    unused = cast(AttendanceRepository, None), cast(NeedRepository, None)  # not asked when claims end
    return Attendances(statuses, *unused, key=b"k" * 32)


async def test_a_run_sets_only_the_claims_made_here_completed() -> None:
    statuses = RecordedStatuses()
    live, past = completed(imported=False), completed(imported=True)

    await attendances(statuses).on_claims_completed([past, live, completed(imported=True)])

    assert statuses.set == [([Attended.key(AttendedKind.CLAIM, live.data.claim_id)], Running.COMPLETED)]


async def test_a_run_of_imported_claims_only_writes_nothing() -> None:
    statuses = RecordedStatuses()

    await attendances(statuses).on_claims_completed([completed(imported=True) for _ in range(3)])
    await attendances(statuses).on_claim_ended(completed(imported=True))

    assert statuses.set == []
