"""The synthetic city's history of needs and its activities: deterministic, and valid; the events an import makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contract.bodies.needs import ActivityCreate
from contract.events import parse_event
from devkit.synthetic import generate_activities, generate_city, generate_history
from needs.needs.schemas import HistoryImport, PastNeed
from needs.needs.service import claim_data, completions, past_need


def test_the_history_is_a_valid_import_and_the_same_every_time() -> None:
    city = generate_city(0.05)
    end = datetime(2026, 11, 24, tzinfo=UTC)

    history = generate_history(city, 3000, end=end)

    HistoryImport.model_validate({"needs": history[:1000]})
    HistoryImport.model_validate({"needs": history[1000:2000]})
    HistoryImport.model_validate({"needs": history[2000:]})
    assert history == generate_history(city, 3000, end=end)
    claims = sum(len(n["claims"]) for n in history)
    assert 5.4 < claims / len(history) < 5.9  # Fuzhou: 5.66 a need
    assert all(need["organization_id"] not in {c["organization_id"] for c in need["claims"]} for need in history)


def test_the_demos_activities_are_valid_posts_starting_on_the_hour_in_china() -> None:
    city = generate_city(0.05)
    start = datetime.now(UTC)

    activities = generate_activities(city, 500, start=start)

    for spec in activities:
        posted = ActivityCreate.model_validate(spec.body)
        assert posted.starts_at.utcoffset() == timedelta(hours=8) and posted.starts_at.hour in (9, 14, 19)
        assert posted.starts_at > start and posted.area_code == str(spec.body["area_code"])
    assert activities == generate_activities(city, 500, start=start)


def test_an_imported_needs_completions_are_what_validating_them_makes() -> None:
    city = generate_city(0.05)
    [past] = generate_history(city, 1, end=datetime(2026, 11, 24, tzinfo=UTC))
    need = past_need(PastNeed.model_validate(past))
    need.starts_at = datetime(2026, 3, 2, 1, tzinfo=UTC)  # none in the past's needs; any other's may say
    need.ends_at = need.starts_at + timedelta(hours=2)

    made = completions(need)

    assert len(made) == len(need.claims) > 0
    for event, claim in zip(made, need.claims, strict=True):
        assert parse_event(event.model_dump_json()) == event and event.time == claim.completed_at
        assert event.data == claim_data(need, claim).model_copy(update={"imported": True})  # never made here
        described = (event.data.title, event.data.category, event.data.area_code, event.data.ends_at)
        assert described == (need.title, need.category, need.area_code, need.ends_at)  # earned by, with no lookup
