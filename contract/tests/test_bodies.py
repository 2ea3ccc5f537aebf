"""The write bodies the gateway and the services both validate with: what one refuses, the
other refuses too, naming the field, so nothing past them fails on it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from contract.bodies.resources import ResourceCreate, ResourceEdit

VENUE = {"kind": "venue", "name": "多功能厅", "category": "venue", "area_code": "350102001001", "capacity": 40}
POINT = {"lat": 26.08, "lon": 119.3}


@pytest.mark.parametrize("body", [VENUE | POINT, {}], ids=["share", "edit"])
def test_an_opening_period_open_on_no_day_is_refused_naming_it(body: dict[str, Any]) -> None:
    model = ResourceCreate if body else ResourceEdit
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body | {"opening_hours": [{"days": [], "opens": "08:00", "closes": "18:00"}]})

    assert [e["loc"] for e in refused.value.errors()] == [("opening_hours", 0, "days")]


def test_a_venue_open_every_day_by_default_is_taken() -> None:
    venue = ResourceCreate.model_validate(VENUE | POINT)

    assert venue.opening_hours[0].days == [1, 2, 3, 4, 5, 6, 7]
