"""Handler tables keyed by event class."""

from __future__ import annotations

import pytest

from contract.events.matching import MatchAccepted, MatchFailed
from contract.events.needs import ClaimCompleted, ClaimReleased
from runtime.handlers import Handlers
from runtime.kafka import Idempotent


async def on_claim(event: ClaimCompleted | ClaimReleased) -> None: ...


async def on_match(event: MatchAccepted) -> None: ...


def test_a_table_names_each_event_type_once_with_its_handler() -> None:
    table = Handlers().on((ClaimCompleted, ClaimReleased), on_claim).on(MatchAccepted, on_match, idempotent=True)
    assert dict(table) == {
        "claim.completed": on_claim,
        "claim.released": on_claim,
        "match.accepted": table["match.accepted"],
    }
    assert isinstance(table["match.accepted"], Idempotent) and table["match.accepted"].handler is on_match
    assert "match.failed" not in table and table.get("match.failed") is None


def test_a_second_handler_for_one_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match=r"match\.accepted has a handler already"):
        Handlers().on(MatchAccepted, on_match).on(MatchAccepted, on_match)
    with pytest.raises(ValueError, match=r"claim\.released"):
        Handlers().on(ClaimReleased, on_claim).including(Handlers().on((ClaimCompleted, ClaimReleased), on_claim))
    assert len(Handlers().on(MatchFailed, on_failed).including(Handlers().on(MatchAccepted, on_match))) == 2


async def on_failed(event: MatchFailed) -> None: ...
