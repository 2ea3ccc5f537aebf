"""The demo's portal accounts: one for every role, each at the level of the hierarchy it names; its
history, credited to members as well as organisations; and its needs, which add up to the seeds'."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from contract.bodies.resources import ResourceImport
from contract.ids import entity_id
from devkit.synthetic import (
    CLAIMS_MADE,
    NEEDS_POSTED,
    SERVICES_SHARED,
    VENUES_SHARED,
    generate_city,
    generate_history,
    shop_items,
)
from gateway.portal.accounts import Role
from needs.needs.schemas import HistoryImport

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
from cobuilding_demo import CO_BUILT_VENUES
from demo import demo_people, demo_shop, needs_of, register_of, with_members  # a script's module, beside the stack


def test_every_role_has_an_account_at_its_own_level_of_one_community() -> None:
    city = generate_city(0.01)
    people = {a.username: a for a in demo_people(city)}

    levels = {name: people[name].area_code for name in ("city", "district", "street", "community")}
    community = levels["community"]
    assert community is not None and len(community) == 12
    assert levels == {"city": "350100", "district": community[:6], "street": community[:9], "community": community}
    assert people["resident"].role is Role.RESIDENT and people["resident"].area_code == community
    organization = next(
        o for o in city.organizations if entity_id("organization", o.code) == people["org"].organization_id
    )
    assert organization.area_code.startswith(community)
    assert (people["org"].role, people["member"].role) == (Role.ORG_ADMIN, Role.MEMBER)
    assert people["member"].organization_id == people["org"].organization_id
    own = [m for m in city.members if m.organization_codes.split(";")[0] == organization.code]
    assert people["member"].member_id in {entity_id("member", m.code) for m in own}  # the registry knows them


def test_the_demo_community_has_a_stocked_shop_of_the_demo_organisation() -> None:
    city = generate_city(0.01)
    people = {a.username: a for a in demo_people(city)}
    shop = demo_shop(city)
    assert entity_id("organization", shop.code) == people["org"].organization_id
    items = shop_items(shop.area_code[:12])
    assert items and all(i["stock"] > 0 and i["area_code"] == people["community"].area_code for i in items)


def test_the_demos_history_credits_members_of_the_claiming_organisations_too() -> None:
    city = generate_city(0.01)
    history = with_members(generate_history(city, 200, end=datetime(2026, 12, 1, tzinfo=UTC), seed=2025), city)
    claims = [claim for need in history for claim in need["claims"]]
    named = [claim for claim in claims if "member_id" in claim]
    own = {
        entity_id("member", m.code): entity_id("organization", m.organization_codes.split(";")[0]) for m in city.members
    }

    assert 0.4 * len(claims) < len(named) < 0.5 * len(claims)  # every other one, where the claimer has members
    assert all(own[claim["member_id"]] == claim["organization_id"] for claim in named)
    assert len({claim["organization_id"] for claim in claims if "member_id" not in claim}) > 100  # organisations too
    demo = next(a for a in demo_people(city) if a.username == "member")
    demo_claims = [c for c in claims if c.get("member_id") == demo.member_id]
    cheapest = min(item["price"] for item in shop_items("350102001001"))
    assert demo.member_id and 10 * len(demo_claims) >= 2 * cheapest  # the demo member can redeem in the shop


def test_the_whole_citys_needs_are_the_seeds_needs_posted_and_claims() -> None:
    city = generate_city(0.05)

    open_needs, history = needs_of(city, 1, datetime(2026, 12, 1, tzinfo=UTC), seed=7)

    assert len(open_needs) + 1 + len(history) == NEEDS_POSTED == 20_006  # and the stuck need
    assert sum(len(need["claims"]) for need in history) == CLAIMS_MADE == 113_195
    assert all(len(need["claims"]) == need["quantity"] for need in history)  # each one fulfilled
    for i in range(0, len(history), 1000):
        HistoryImport.model_validate({"needs": history[i : i + 1000]})


def test_the_whole_citys_register_is_the_seeds_venues_and_services_as_the_import_takes_them() -> None:
    city = generate_city(0.05)

    register = register_of(city, 1)

    kinds = Counter(row["kind"] for row in register)
    assert (kinds["venue"] + CO_BUILT_VENUES, kinds["service"]) == (VENUES_SHARED, SERVICES_SHARED) == (7_204, 4_183)
    assert len({row["id"] for row in register}) == len(register)  # each under its own id: a resumed import skips it
    for i in range(0, len(register), 1000):
        ResourceImport.model_validate({"resources": register[i : i + 1000]})
