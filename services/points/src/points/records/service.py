"""The volunteer record's use cases: an account's services in a period, made of the minutes the
city issued it for work done through an organisation (each such movement is one service); a
certificate of that period, signed; and the check of a certificate's code, by anyone.

Minutes that are not work done (granted by a community, held for or returned from a time bank
ask) are no service, and a service no organisation recorded is none the Ministry's rules count:
only movements of work from the city's issuing account naming an organisation are taken."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from contract.errors import InvalidReference, Unprocessable
from contract.events.points import Unit
from points.ledger.models import CITY
from points.ledger.repository import MovementRepository
from points.ledger.service import CITY_TIME, may_read
from points.records.models import Certified, ServiceEntry, ServiceRecord, sign, verify
from points.timebank.models import NOT_WORK
from runtime.actors import Actor
from runtime.known_organizations import OrganizationLookup

PEOPLE = ("member:", "resident:")
LONGEST_PERIOD = timedelta(days=366 * 5)


class Records:
    def __init__(self, movements: MovementRepository, organizations: OrganizationLookup, secret: bytes) -> None:
        self.movements = movements
        self.organizations = organizations
        self.secret = secret

    async def record(self, account: str, actor: Actor, *, since: date, until: date) -> ServiceRecord:
        """The services of a person's account from `since` to `until` (days in the city's time, both
        included): for its owner and the platform's and a city's administrators."""
        may_read(account, actor)
        if not account.startswith(PEOPLE):
            raise Unprocessable("a volunteer record is a person's: member:{id} or resident:{id}", field="account")
        if until < since:
            raise Unprocessable("the period ends before it begins", field="until")
        if until - since > LONGEST_PERIOD:
            raise Unprocessable("a record covers five years at most", field="since")
        start = datetime.combine(since, time(), CITY_TIME)
        end = datetime.combine(until + timedelta(days=1), time(), CITY_TIME)
        received = await self.movements.received(account, Unit.MINUTES, since=start, until=end)
        work = [m for m in received if m.from_account == CITY and m.organization_id and m.cause_type not in NOT_WORK]
        names = {o: await self._name(o) for o in {m.organization_id for m in work if m.organization_id}}
        services = [
            ServiceEntry(
                movement_id=m.id,
                about=m.about,
                area_code=m.area_code,
                organization_id=m.organization_id,
                organization_name=names.get(m.organization_id),
                cause_type=m.cause_type,
                at=m.at,
                minutes=m.amount,
            )
            for m in work
            if m.organization_id is not None
        ]
        return ServiceRecord(
            account=account,
            since=since,
            until=until,
            services=services,
            minutes=sum(s.minutes for s in services),
            organizations=len(names),
        )

    async def certify(
        self, account: str, actor: Actor, *, name: str, since: date, until: date, today: date
    ) -> tuple[str, Certified, ServiceRecord]:
        """A certificate of the record of a period: its verification code, what it certifies, and
        the record it was made of. Nothing is stored: the code carries what it certifies, signed."""
        record = await self.record(account, actor, since=since, until=until)
        fields = {"a": account, "n": name, "f": since, "t": until, "m": record.minutes, "s": len(record.services)}
        certified = Certified.model_validate({**fields, "i": today})
        return sign(certified, self.secret), certified, record

    def check(self, code: str) -> Certified:
        """What a certificate's code certifies; InvalidCertificate (422) for a code not issued here
        or changed since. Public: the code is meant to be shown."""
        return verify(code, self.secret)

    async def _name(self, organization_id: str) -> str | None:
        try:
            found = await self.organizations.require(organization_id)
        except InvalidReference:
            return None
        name = found.get("name")
        return name if isinstance(name, str) else None
