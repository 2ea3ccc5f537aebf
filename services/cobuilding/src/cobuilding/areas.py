"""How the service's lists of an area are asked: each stored document carries its district,
street and community, so that an administrator's list is one equality query."""

from __future__ import annotations

from contract.areas import is_city

AREA_FIELDS = {6: "district", 9: "street", 12: "community"}  # the digits of each level's code


def area_fields(area_code: str) -> dict[str, str]:
    """The levels an area code lies in, as stored beside a document."""
    return {field: area_code[:digits] for digits, field in AREA_FIELDS.items() if len(area_code) >= digits}


def area_query(node: str) -> dict[str, str]:
    """The query for the documents of a district, street or community; for a node of any other
    length (a city, a grid), of the district or community it lies in (the caller keeps what its
    node covers)."""
    if is_city(node):
        return {}  # every document, kept by the caller
    digits = max(d for d in AREA_FIELDS if d <= len(node))
    return {AREA_FIELDS[digits]: node[:digits]}
