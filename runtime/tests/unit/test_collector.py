"""Every service's serving process runs with the collector's youngest generation collected less
often (`runtime.pacing.collect_less_often`, called by `runtime.app.serve`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from runtime import app
from runtime.config import ServiceSettings
from runtime.pacing import YOUNG_OBJECTS


@pytest.fixture
def pythons_default() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("pythons_default")
def test_a_service_serves_with_the_young_generation_collected_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = ServiceSettings.model_construct(http_host="127.0.0.1", http_port=0)
    served_with: list[tuple[int, int, int]] = []

    def run(*_: Any, **__: Any) -> None:
        served_with.append(gc.get_threshold())

    monkeypatch.setattr(app.uvicorn, "run", run)
    app.serve(app.routes_app(settings, title="test", routers=[]), settings)

    assert served_with == [(YOUNG_OBJECTS, 10, 10)]
