"""What a request shows or changes of people's personal data, recorded in the audit log before
it is answered: every unmasked phone or ID number served, every one written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from organizations.models import Member, Organization
from shared.audit import audit_log

MEMBER_FIELDS = ("phone", "id_number")
CONTACT_FIELDS = ("contacts.phone",)


class Disclosures:
    def __init__(self, request: Request) -> None:
        self.request = request

    async def _record(self, action: str, subjects: list[str], fields: Iterable[str]) -> None:
        if subjects:
            await audit_log(self.request.app).record(self.request.scope, action, subjects=subjects, fields=fields)

    async def members_shown(self, members: Iterable[Member]) -> None:
        """Members served unmasked."""
        await self._record("personal_data.viewed", [f"member:{m.id}" for m in members], MEMBER_FIELDS)

    async def contacts_shown(self, organizations: Iterable[Organization]) -> None:
        """Organisations served with their contacts' phones unmasked (those that have one)."""
        shown = [f"organization:{o.id}" for o in organizations if any(c.phone for c in o.contacts)]
        await self._record("personal_data.viewed", shown, CONTACT_FIELDS)

    async def member_changed(self, member: Member) -> None:
        await self._record("personal_data.changed", [f"member:{member.id}"], MEMBER_FIELDS)

    async def contacts_changed(self, organization: Organization, *, cleared: bool = False) -> None:
        """Contacts' phones written (`cleared`: contacts replaced, perhaps by none)."""
        if cleared or any(c.phone for c in organization.contacts):
            await self._record("personal_data.changed", [f"organization:{organization.id}"], CONTACT_FIELDS)

    async def imported(self, job_id: str, fields: Iterable[str]) -> None:
        """An import that writes personal data: its rows are in the job's file."""
        await self._record("personal_data.changed", [f"import:{job_id}"], fields)


Audit = Annotated[Disclosures, Depends(Disclosures)]
