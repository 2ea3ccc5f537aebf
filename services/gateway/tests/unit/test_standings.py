"""The portal's standings on their own: a name as strangers see it, who sees it whole, and a
rules form's values read as the rules hold them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.portal.accounts import Account, Role, Session
from gateway.portal.rules import _value
from gateway.portal.standings import masked, sees_whole

COMMUNITY = "350102001001"


def session(**fields: object) -> Session:
    account = Account.model_validate({"username": "someone", "name": "某人", **fields})
    return Session(account=account, csrf="x", expires_at=datetime.now(UTC) + timedelta(hours=1))


def test_a_stranger_sees_a_members_surname_alone() -> None:
    assert masked("王小明") == "王**"
    assert masked("欧阳娜娜") == "欧***"
    assert masked("李") == "李**"  # how long a name is, is not told either way


def test_a_name_is_whole_for_the_member_their_organisation_and_the_areas_administrators() -> None:
    member = {"id": "c" * 32, "organization_ids": ["a" * 32]}
    assert sees_whole(session(role=Role.MEMBER, organization_id="a" * 32, member_id="d" * 32), member, COMMUNITY)
    assert sees_whole(session(role=Role.MEMBER, organization_id="b" * 32, member_id="c" * 32), member, COMMUNITY)
    assert sees_whole(session(role=Role.AREA_ADMIN, area_code=COMMUNITY[:9]), member, COMMUNITY)
    assert not sees_whole(session(role=Role.AREA_ADMIN, area_code="350103"), member, COMMUNITY)
    assert not sees_whole(session(role=Role.ORG_ADMIN, organization_id="b" * 32), member, COMMUNITY)
    assert not sees_whole(session(role=Role.RESIDENT, area_code=COMMUNITY), member, COMMUNITY)
    assert not sees_whole(None, member, COMMUNITY)


def test_a_rules_form_value_is_read_as_the_rule_holds_it_or_sent_as_written_to_be_refused() -> None:
    assert _value("12", 10) == 12
    assert _value("1.5", 1.0) == 1.5
    assert _value("many", 10) == "many"
