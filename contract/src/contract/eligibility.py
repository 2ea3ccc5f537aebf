"""Who is shown a need, and who may book a venue: the two rules, once. The services apply them to
the request in hand; the matching engine applies them to every pair it scores, in bulk
(`matching.index.engine`), and a test checks that it agrees with these."""

from __future__ import annotations

from contract.areas import covers
from contract.events.needs import Visibility
from contract.events.resources import BookableBy


def shown_to(visibility: Visibility, visible_to: str | None, area_code: str | None, *, organization: bool) -> bool:
    """Whether a published need is shown to someone of `area_code` (an organisation, or a
    person when not `organization`), besides its own organisation and its area's administrators."""
    if visibility is Visibility.PUBLIC:
        return True
    if visible_to is None or area_code is None:
        return False
    if visibility is Visibility.PARTNERS and not organization:
        return False  # a community's partners are its organisations
    return covers(visible_to, area_code)


def may_book(bookable_by: BookableBy, venue_area: str, area_code: str | None, *, organization: bool) -> bool:
    """Whether someone of `area_code` (an organisation, or a resident when not `organization`)
    may book a venue of another organisation."""
    if bookable_by is BookableBy.PARTNERS and not organization:
        return False
    return bookable_by is not BookableBy.AREA or (area_code is not None and covers(venue_area, area_code))
