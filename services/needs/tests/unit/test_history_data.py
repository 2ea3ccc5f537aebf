"""The synthetic city's history of needs: deterministic, and a valid import."""

from __future__ import annotations

from datetime import UTC, datetime

from needs.schemas import HistoryImport
from shared.synthetic import generate_city, generate_history


def test_the_history_is_a_valid_import_and_the_same_every_time() -> None:
    city = generate_city(0.05)
    end = datetime(2026, 11, 24, tzinfo=UTC)

    history = generate_history(city, 3000, end=end)

    HistoryImport.model_validate({"needs": history[:1000]})
    HistoryImport.model_validate({"needs": history[1000:2000]})
    HistoryImport.model_validate({"needs": history[2000:]})
    assert history == generate_history(city, 3000, end=end)
    claims = sum(len(n["claims"]) for n in history)
    assert 4.5 < claims / len(history) < 5.7  # Fuzhou: 5.66 a need; a need's own organisation never claims it
