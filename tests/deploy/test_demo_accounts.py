"""The demo's portal accounts: one for every role, each at the level of the hierarchy it names."""

from __future__ import annotations

import sys
from pathlib import Path

from contract.ids import entity_id
from devkit.synthetic import generate_city, shop_items
from gateway.portal.accounts import Role

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
from demo import demo_people, demo_shop  # a script's module, beside the stack


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
