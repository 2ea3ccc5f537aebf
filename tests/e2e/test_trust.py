"""Who may call what, walked over every service's OpenAPI: no route writes for a caller it cannot
name, and no read of what is not public answers someone it cannot name.

Each operation is called as the service publishes it, with its path parameters filled in and an
empty JSON body: the caller is refused (401) before anything else is looked at, so a route that
checks its caller only after reading the body, or not at all, fails here."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from devkit.testing import SERVICES, PlatformApi, TestStack, acting, organization
from runtime.actors import ALGORITHM, Actor, ActorKind

pytestmark = pytest.mark.stack

WRITES = {"post", "put", "patch", "delete"}
# Reads anyone may make: the hierarchy, organisations' public profiles and ratings, what is
# shared and asked for (each filtered by who may see it), figures, and the probes.
PUBLIC_READS = {
    "organizations": {
        "/areas/{code}",
        "/areas/{code}/children",
        "/areas/{code}/path",
        "/areas/{code}/subtree",
        "/organizations",
        "/organizations/by-code/{code}",
        "/organizations/{organization_id}",
    },
    "needs": {
        "/needs",
        "/needs/{need_id}",
        "/stats",
        "/stats/areas",  # several areas' totals at once, as `/stats` gives each
        "/stats/organizations",
        "/activities",
        "/activities/{activity_id}",
        "/known-organizations",
        "/known-organizations/{organization_id}",
        "/evaluations",  # an organisation's ratings, as its public page shows them (who rated, never)
        "/evaluations/recent",
        "/evaluations/summary",
        "/evaluations/{evaluation_id}",  # a given one; one still waiting only to its two sides
    },
    "resources": {
        "/resources",
        "/resources/{resource_id}",
        "/stats",
        "/stats/venues",
        "/venues/{venue_id}/calendar",
        "/venues/{venue_id}/calendar.ics",
        "/known-organizations",
        "/known-organizations/{organization_id}",
    },
    "matching": {"/index"},
    "points": {  # the standings (a member by id only), the rules in force, what the registry told it,
        # and what a volunteer certificate's code certifies (the code is meant to be shown)
        "/leaderboard",
        "/rules",
        "/certificates/{code}",
        "/shop/areas/{area_code}/items",  # an area's shelf: what is on offer, by whom, for how many points
        "/shop/items/{item_id}",
        "/known-organizations",
        "/known-organizations/{organization_id}",
    },
    "notifications": set(),  # nothing: every message is someone's
    "cobuilding": {  # what the registry told it; concerns and agreements are their people's
        "/known-organizations",
        "/known-organizations/{organization_id}",
        "/projects",  # the project list, its progress and spending: public (公示)
        "/projects/{project_id}",
        "/projects/{project_id}/photos/{digest}",
        "/purchases",  # purchases of services and their figures: public procurement
        "/purchases/figures",
        "/purchases/{purchase_id}",
        "/communities/{community}/partners",  # a community's neighbour partners
    },
    "gateway": {"/api/v1/stats"},
}
PROBES = {"/healthz", "/readyz"}


def _forged(claims: dict[str, Any], secret: str = "a-secret-nobody-was-given") -> str:
    return jwt.encode({**claims, "exp": int(time.time()) + 300}, secret, algorithm=ALGORITHM)


# Headers of callers a service must not take for anyone: none at all, an actor signed with a
# secret of one's own, an expired one, one with no signature, and a key nobody issued.
STRANGERS = {
    "nobody": {},
    "a forged actor": {"X-Actor": _forged({"kind": "platform"})},
    "an expired actor": {"X-Actor": jwt.encode({"kind": "platform", "exp": 1}, "x", algorithm=ALGORITHM)},
    "an unsigned actor": {"X-Actor": jwt.encode({"kind": "platform"}, None, algorithm="none")},
    "a key nobody issued": {"Authorization": "Bearer pbs_00000000000000000000000000000000_guess"},
    "a wrong operators' token": {"X-Admin-Token": "guess"},
}


def _value(parameter: dict[str, Any]) -> str:
    """A value the parameter's own schema accepts, so the route itself is reached."""
    schema = parameter.get("schema", {})
    options = schema.get("enum") or next((s.get("enum") for s in schema.get("anyOf", []) if "enum" in s), None)
    if options:
        return str(options[0])
    if "[0-9]{6" in schema.get("pattern", ""):
        return "350100"
    return "0" * 32


def operations(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, template, a path to call) of every operation the OpenAPI publishes."""
    found = []
    for template, methods in spec["paths"].items():
        for method, operation in methods.items():
            path = template
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", _value(parameter))
            found.append((method, template, path))
    return found


@pytest.fixture(scope="module")
def specs(stack: TestStack) -> dict[str, dict[str, Any]]:
    return {
        name: httpx.get(stack.url(name) + "/openapi.json", timeout=30).raise_for_status().json() for name in SERVICES
    }


def test_the_walk_reaches_every_kind_of_route(specs: dict[str, dict[str, Any]]) -> None:
    """The walk below is only as good as what it walks: every service publishes its routes."""
    writes = {name: sum(1 for m, _, _ in operations(spec) if m in WRITES) for name, spec in specs.items()}
    assert all(count >= 1 for count in writes.values()), writes
    private = {
        name: sum(1 for m, t, _ in operations(spec) if t not in PUBLIC_READS[name] | PROBES)
        for name, spec in specs.items()
    }
    assert all(count >= 2 for count in private.values()), private
    for name, public in PUBLIC_READS.items():
        published = {t for m, t, _ in operations(specs[name]) if m == "get"}
        assert public <= published, f"{name} lists public reads it does not have: {public - published}"


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("stranger", list(STRANGERS))
def test_no_write_and_no_private_read_answers_a_caller_it_cannot_name(
    service: str, stranger: str, stack: TestStack, specs: dict[str, dict[str, Any]]
) -> None:
    headers = STRANGERS[stranger]
    answered: list[str] = []
    with httpx.Client(base_url=stack.url(service), timeout=10) as http:
        for method, template, path in operations(specs[service]):
            if method == "get" and (template in PUBLIC_READS[service] or template in PROBES):
                continue
            body = {"json": {}} if method in WRITES else {}
            response = http.request(method.upper(), path, headers=headers, **body)
            if response.status_code != 401:
                answered.append(f"{method.upper()} {path} → {response.status_code} {response.text[:120]}")
    assert answered == [], f"{service} answered {stranger}:\n" + "\n".join(answered)


async def test_a_signed_caller_of_the_wrong_kind_or_place_is_refused(stack: TestStack) -> None:
    """Callers the gateway did sign, each asking for what is not theirs: a resident, another
    organisation, an organisation's own people (who only read the registry through the gateway),
    a district's administrator elsewhere."""
    async with httpx.AsyncClient(timeout=10) as http:
        api = PlatformApi(stack, http)
        org = await api.register_organization("越权测试支部", "350102014001")
        other = await api.register_organization("越权测试社区", "350102014001")
        current = await api.get("organizations", f"/organizations/{org}")
        resident = Actor(kind=ActorKind.RESIDENT, resident_id="r" * 32, area_code="350102014001")
        elsewhere = Actor(kind=ActorKind.AREA_ADMIN, area_code="350104")
        its_people = organization(org)
        organization_body = {"name": "x", "kind": "branch", "area_code": "350102014001"}
        member = {"name": "张三", "phone": "13900002222", "roles": ["volunteer"], "organization_ids": [org]}
        asks = [
            (
                resident,
                "POST",
                "organizations",
                "/areas",
                {"code": "350102014099", "name": "x", "level": "community", "parent_code": "350102014"},
            ),
            (resident, "POST", "organizations", "/organizations", organization_body),
            (elsewhere, "POST", "organizations", "/organizations", organization_body),
            (
                its_people,
                "PATCH",
                "organizations",
                f"/organizations/{org}",
                {"name": "改名", "version": current["version"]},
            ),
            (
                organization(other),
                "PATCH",
                "organizations",
                f"/organizations/{org}",
                {"name": "改名", "version": current["version"]},
            ),
            (
                its_people,
                "POST",
                "organizations",
                f"/organizations/{org}/status",
                {"status": "dissolved", "reason": "x"},
            ),
            (
                elsewhere,
                "POST",
                "organizations",
                f"/organizations/{org}/status",
                {"status": "dissolved", "reason": "x"},
            ),
            (organization(other), "POST", "organizations", "/members", member),
            (its_people, "POST", "organizations", f"/organizations/{org}/api-keys", {"name": "x", "scopes": ["read"]}),
            (
                Actor(kind=ActorKind.AREA_ADMIN, area_code="350102"),
                "POST",
                "organizations",
                f"/organizations/{org}/api-keys",
                {"name": "x", "scopes": ["read"]},
            ),
            (its_people, "POST", "organizations", "/api-keys/verify", {"key": "pbs_" + "0" * 32 + "_guess"}),
            (elsewhere, "GET", "organizations", "/audit", None),
            (elsewhere, "POST", "matching", "/rematch", None),
            (
                resident,
                "POST",
                "needs",
                "/needs",
                {"title": "t", "category": "legal_aid", "area_code": "350102014001", "quantity": 1},
            ),
        ]
        answered = []
        for actor, method, service, path, body in asks:
            response = await http.request(method, stack.url(service) + path, json=body, headers=acting(actor))
            if response.status_code != 403:
                answered.append(
                    f"{actor.kind.value} {method} {service}{path} → {response.status_code} {response.text[:120]}"
                )
    assert answered == [], "\n".join(answered)
