"""Who is whose partner, from the co-building service's events: the parties of an agreement in
force, to its last day, and a community's neighbour partner list; an agreement ended, no more."""

from __future__ import annotations

from datetime import date, timedelta

from contract.events.cobuilding import (
    AgreementData,
    AgreementEnded,
    AgreementSigned,
    AgreementStatus,
    PartnersListed,
    PartnersListedData,
)
from runtime.partners import KnownPartners

UNION, RESCUE, SCHOOL, HOSPITAL = "1" * 32, "2" * 32, "3" * 32, "4" * 32
COMMUNITY = "350102001001"


def agreement(status: AgreementStatus, ends_on: date, parties: tuple[str, ...] = (UNION, RESCUE)) -> AgreementData:
    return AgreementData(
        agreement_id="a" * 32,
        title="结对共建",
        parties=list(parties),
        proposed_by=parties[0],
        area_code=COMMUNITY,
        status=status,
        starts_on=date.today() - timedelta(days=30),
        ends_on=ends_on,
        commitments=[],
        version=2,
    )


async def test_parties_of_an_agreement_in_force_are_partners_till_its_last_day() -> None:
    partners = KnownPartners()
    assert not partners(RESCUE, UNION, COMMUNITY)
    await partners.on_agreement(
        AgreementSigned(
            source="t", subject="a", data=agreement(AgreementStatus.SIGNED, date.today() + timedelta(days=9))
        )
    )
    assert partners(RESCUE, UNION, COMMUNITY) and partners(UNION, RESCUE, None)
    assert not partners(SCHOOL, UNION, COMMUNITY) and not partners(None, UNION, COMMUNITY)
    await partners.on_agreement(
        AgreementEnded(source="t", subject="a", data=agreement(AgreementStatus.ENDED, date.today() + timedelta(days=9)))
    )
    assert not partners(RESCUE, UNION, COMMUNITY)


async def test_an_agreement_past_its_term_makes_no_partners() -> None:
    partners = KnownPartners()
    await partners.on_agreement(
        AgreementSigned(
            source="t", subject="a", data=agreement(AgreementStatus.SIGNED, date.today() - timedelta(days=2))
        )
    )
    assert not partners(RESCUE, UNION, COMMUNITY)


async def test_a_communitys_neighbour_partners_are_partners_of_its_organisations_there() -> None:
    partners = KnownPartners()
    listed = PartnersListedData(community=COMMUNITY, organization_ids=[HOSPITAL], version=1)
    await partners.on_listed(PartnersListed(source="t", subject=COMMUNITY, data=listed))
    assert partners(HOSPITAL, UNION, COMMUNITY) and partners(HOSPITAL, UNION, COMMUNITY + "01")
    assert not partners(HOSPITAL, UNION, "350102001002") and not partners(SCHOOL, UNION, COMMUNITY)
