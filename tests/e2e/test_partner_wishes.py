"""Partners on the wish wall with their registry keys: they see residents' open micro-wishes
without their names, one of two claiming at once holds the wish, the holder sends the photo of
it done, and after the community confirms it the holder reads its thank-you letter."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack, acting
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

AREA = "350111004001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_two_partners_claim_one_wish_at_once_and_the_holder_carries_it_to_its_letter(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    first = await api.register_organization("某银行党支部", AREA)
    second = await api.register_organization("某超市党支部", AREA)
    keys = {
        first: await api.issue_key(first, ["read", "needs:write"]),
        second: await api.issue_key(second, ["read", "needs:write"]),
    }
    reads_only = await api.issue_key(second, ["read"])
    worker = Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA)
    wish = await api.post(
        "needs",
        "/wishes",
        {"resident_id": "a" * 32, "resident_name": "林奶奶", "area_code": AREA, "title": "想要一副老花镜"},
        actor=worker,
    )
    url = stack.url("gateway") + "/api/v1/wishes"

    wall = (await http.get(url, params={"status": "open", "area_code": AREA}, headers=reads_only)).json()["items"]
    shown = next(w for w in wall if w["id"] == wish["id"])
    assert shown["resident_name"] == "林**"

    claims = await asyncio.gather(
        *(http.post(f"{url}/{wish['id']}/claim", json={}, headers=keys[o]) for o in (first, second))
    )
    assert sorted(c.status_code for c in claims) == [200, 409], [c.text for c in claims]
    holder = next(o for o, c in zip((first, second), claims, strict=True) if c.status_code == 200)
    other = second if holder == first else first

    photo = {"photo": ("glasses.png", PNG, "image/png")}
    # another organisation no longer sees a claimed wish; a key without needs:write writes nothing
    assert (await http.post(f"{url}/{wish['id']}/proof", files=photo, headers=keys[other])).status_code == 404
    assert (await http.post(f"{url}/{wish['id']}/proof", files=photo, headers=reads_only)).status_code == 403
    assert (await http.post(f"{url}/{wish['id']}/release", headers=keys[other])).status_code == 403
    proved = await http.post(f"{url}/{wish['id']}/proof", files=photo, headers=keys[holder])
    assert proved.status_code == 200, proved.text
    assert proved.json()["status"] == "done"

    letter = await http.get(f"{url}/{wish['id']}/thank-you", headers=keys[holder])
    assert letter.status_code == 409  # not before the community confirms
    await api.post("needs", f"/wishes/{wish['id']}/confirm", {}, 200, actor=worker)
    letters = (await http.get(stack.url("gateway") + "/api/v1/thank-you-letters", headers=keys[holder])).json()
    assert [w["id"] for w in letters["items"]] == [wish["id"]]
    letter = await http.get(f"{url}/{wish['id']}/thank-you", headers=keys[holder])
    assert letter.status_code == 200 and "想要一副老花镜" in letter.text
    assert "林**" in letter.text and "林奶奶" not in letter.text  # the organisation does not learn who she is
    assert (await http.get(f"{url}/{wish['id']}/thank-you", headers=keys[other])).status_code == 404
    stored = await http.get(stack.url("needs") + f"/wishes/{wish['id']}", headers=acting(worker))
    assert stored.json()["claimer_organization_id"] == holder
