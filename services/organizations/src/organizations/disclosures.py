"""What a request shows or changes of people's personal data, recorded in the audit log before
it is answered: every unmasked phone or ID number served (not served when it cannot be
recorded), every one written."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from organizations.members.models import Member
from organizations.organizations.models import Organization
from runtime.audit import audit_log
from runtime.audit_http import LOST

log = logging.getLogger(__name__)

MEMBER_FIELDS = ("phone", "id_number")
CONTACT_FIELDS = ("contacts.phone",)


class Disclosures:
    def __init__(self, request: Request) -> None:
        self.request = request

    async def _record(self, action: str, subjects: list[str], fields: Iterable[str]) -> None:
        if subjects:
            await audit_log(self.request.app).record(self.request.scope, action, subjects=subjects, fields=fields)

    async def _changed(self, subjects: list[str], fields: Iterable[str]) -> None:
        """A change made already: a failure to record it is logged and counted, not answered as
        a failure of the change (a retry would make it twice). The request's own entry names it."""
        try:
            await self._record("personal_data.changed", subjects, fields)
        except Exception:
            LOST.inc()
            log.exception("a change of personal data could not be recorded", extra={"fields": {"subjects": subjects}})

    async def members_shown(self, members: Iterable[Member]) -> None:
        """Members served unmasked."""
        await self._record("personal_data.viewed", [f"member:{m.id}" for m in members], MEMBER_FIELDS)

    async def contacts_shown(self, organizations: Iterable[Organization]) -> None:
        """Organisations served with their contacts' phones unmasked (those that have one)."""
        shown = [f"organization:{o.id}" for o in organizations if any(c.phone for c in o.contacts)]
        await self._record("personal_data.viewed", shown, CONTACT_FIELDS)

    async def member_changed(self, member: Member) -> None:
        await self._changed([f"member:{member.id}"], MEMBER_FIELDS)

    async def contacts_changed(self, organization: Organization, *, cleared: bool = False) -> None:
        """Contacts' phones written (`cleared`: contacts replaced, perhaps by none)."""
        if cleared or any(c.phone for c in organization.contacts):
            await self._changed([f"organization:{organization.id}"], CONTACT_FIELDS)

    async def imported(self, job_id: str, fields: Iterable[str]) -> None:
        """An import that writes personal data: its rows are in the job's file."""
        await self._changed([f"import:{job_id}"], fields)


Audit = Annotated[Disclosures, Depends(Disclosures)]
