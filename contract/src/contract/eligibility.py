"""Who is shown a need, and who may book a venue: the two rules, once. The services apply them to
the request in hand; the matching engine applies them to every pair it scores, in bulk
(`matching.index.engine`), and a test checks that it agrees with these.

"Partners" are organisations co-building with the need's or venue's organisation: parties to an
agreement in force with it (结对共建), or on the neighbour partner list (近邻合伙人) its
community's administrator keeps (`runtime.partners`); the caller says whether the viewer is one."""

from __future__ import annotations

from contract.areas import covers
from contract.events.needs import Visibility
from contract.events.resources import BookableBy


def shown_to(
    visibility: Visibility, visible_to: str | None, area_code: str | None, *, organization: bool, partner: bool = False
) -> bool:
    """Whether a published need is shown to someone of `area_code` (an organisation, or a
    person when not `organization`; a partner of the need's organisation when `partner`),
    besides its own organisation and its area's administrators."""
    if visibility is Visibility.PUBLIC:
        return True
    if visibility is Visibility.PARTNERS:
        return organization and partner  # a need for partners is shown to partner organisations only
    if visible_to is None or area_code is None:
        return False
    return covers(visible_to, area_code)


def may_book(
    bookable_by: BookableBy, venue_area: str, area_code: str | None, *, organization: bool, partner: bool = False
) -> bool:
    """Whether someone of `area_code` (an organisation, or a resident when not `organization`;
    a partner of the venue's organisation when `partner`) may book a venue of another organisation."""
    if bookable_by is BookableBy.PARTNERS:
        return organization and partner
    return bookable_by is not BookableBy.AREA or (area_code is not None and covers(venue_area, area_code))
