"""The area hierarchy as its codes tell it, for services that do not keep the registry's tree."""

from __future__ import annotations


def is_city(node: str | None) -> bool:
    """Whether the node is a city (a prefecture-level division: six digits ending in `00`)."""
    return node is not None and len(node) == 6 and node.endswith("00")


def covers(node: str, area_code: str) -> bool:
    """Whether `area_code` lies in the subtree of `node`. Area codes are China's administrative
    division codes (city `350100`, district `350102`, street `350102001`, community
    `350102001001`) extended with grid and building digits, so a node's subtree shares its
    prefix; a city's code ends in `00`, its districts share its first four digits."""
    return area_code.startswith(node[:4] if is_city(node) else node)


def ancestors(area_code: str) -> list[str]:
    """The nodes from the city down to `area_code` itself."""
    chain = [area_code[:4] + "00"]
    for length in (6, 9, 12, 14, 17):
        if length <= len(area_code) and area_code[:length] != chain[-1]:
            chain.append(area_code[:length])
    if area_code not in chain:
        chain.append(area_code)
    return chain
