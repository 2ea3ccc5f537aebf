"""Places in words: a code shown by its names from the district down, a typed name found."""

from __future__ import annotations

from typing import Any

from gateway.portal.i18n import plain_reasons
from gateway.portal.places import Places

NODES = {
    "350100": {"code": "350100", "name": "福州市", "name_en": "Fuzhou", "level": "city"},
    "350102": {"code": "350102", "name": "鼓楼区", "name_en": "Gulou", "level": "district"},
    "350102001": {"code": "350102001", "name": "鼓东街道", "name_en": "Gudong", "level": "street"},
    "350102001002": {"code": "350102001002", "name": "树兜社区", "name_en": "Shudou", "level": "community"},
    "350102002": {"code": "350102002", "name": "鼓西街道", "name_en": "Guxi", "level": "street"},
    "350103003001": {"code": "350103003001", "name": "鼓楼社区", "name_en": "", "level": "community"},
}


class Registry:
    """The registry's area routes as Places asks them, counting the asks."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def find(self, path: str) -> Any:
        self.asked.append(path)
        code = path.split("/")[2]
        if code not in NODES:
            return None
        return [NODES[c] for c in ("350100", code[:6], code[:9], code[:12]) if c in NODES and len(c) <= len(code)]

    async def get(self, path: str, params: dict[str, Any]) -> Any:
        self.asked.append(f"{path}?{params['level']}")
        return {"items": [n for n in NODES.values() if n["level"] == params["level"]], "next_cursor": None}


async def test_a_code_reads_as_its_names_from_the_district_down_asked_once() -> None:
    registry = Registry()
    places = Places(registry, "350100")  # type: ignore[arg-type]
    assert await places.label("350102001002") == "鼓楼区·鼓东街道·树兜社区"
    assert await places.label("350102001002", "en") == "Gulou·Gudong·Shudou"
    assert await places.label("350102001") == "鼓楼区·鼓东街道"  # learnt with the community's path
    assert registry.asked == ["/areas/350102001002/path"]


async def test_a_code_the_registry_does_not_know_reads_as_itself() -> None:
    places = Places(Registry(), "350100")  # type: ignore[arg-type]
    assert await places.label("350199000000") == "350199000000"
    assert await places.label(None) == ""


async def test_a_name_finds_the_place_whose_whole_name_it_is_then_the_highest_holding_it() -> None:
    registry = Registry()
    places = Places(registry, "350100")  # type: ignore[arg-type]
    assert await places.find("鼓楼社区") == "350103003001"  # its whole name, though 鼓楼区 holds 鼓楼 too
    assert await places.find("鼓楼") == "350102"  # the district before the community
    assert await places.find("gudong") == "350102001"
    assert await places.find("350102") == "350102"
    assert await places.find("没有这里") is None
    assert len([a for a in registry.asked if "subtree" in a]) == 3  # the index read once, a level each


def test_why_a_pair_is_proposed_reads_as_a_person_would_say_it() -> None:
    proposal = {"reasons": [{"name": "neighbourhood", "value": 1.0}, {"name": "age", "value": 0.5}]}
    proposal["reasons"].append({"name": "reliability", "value": 0.9})
    need = {"lat": 26.08, "lon": 119.30, "urgency": "urgent"}
    supply = {"lat": 26.08, "lon": 119.32}
    assert plain_reasons(proposal, need, supply, "zh") == "相距 2.0 公里、同社区、紧急、已等待 7 天、履约可靠"
    english = "2.0 km away, same community, urgent, waiting 7 days, reliable"
    assert plain_reasons(proposal, need, supply, "en") == english
    assert plain_reasons({"reasons": []}, None, None, "zh") == ""
