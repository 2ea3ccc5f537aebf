"""The event contract: snapshots, the envelope, and what is refused."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from contract import snapshots
from contract.events import EVENT_TYPES, parse_event, topic_of
from contract.events.needs import NeedPosted, NeedPostedData
from contract.taxonomy import Category
from contract.tracing import correlation_id
from runtime.kafka import encode


def _need_posted() -> NeedPosted:
    data = NeedPostedData(
        need_id="n1", organization_id="o1", title="t", category=Category.VENUE, area_code="350102001001", quantity=3
    )
    return NeedPosted(source="/services/needs", subject="n1", data=data)


class TestSnapshots:
    def test_every_event_schema_matches_its_snapshot(self) -> None:
        assert snapshots.stale() == [], "the event contract changed: review it, then run `make contracts`"

    def test_a_changed_field_makes_the_snapshot_stale(self, monkeypatch: pytest.MonkeyPatch) -> None:
        changed = dict(snapshots.event_schemas())
        changed["need.posted"] = {**changed["need.posted"], "title": "NeedPostedRenamed"}
        monkeypatch.setattr(snapshots, "event_schemas", lambda: changed)
        assert snapshots.CONTRACTS / "events" / "need.posted.json" in snapshots.stale()

    def test_asyncapi_lists_every_event_on_its_producers_topic(self) -> None:
        document = snapshots.asyncapi()
        listed = {name for c in document["channels"].values() for name in c["messages"]}
        assert listed == {cls.__name__ for cls in EVENT_TYPES.values()}
        assert "NeedPosted" in document["channels"]["needs.events"]["messages"]


class TestEnvelope:
    def test_every_event_has_a_past_tense_type_and_says_when_it_is_emitted(self) -> None:
        for event_type, cls in EVENT_TYPES.items():
            verb = event_type.split(".")[1].split("_")[0]  # a phrasal verb's own word: picked_up
            assert verb.endswith("ed") or verb in {"given", "left", "made", "withdrawn"}, event_type
            assert cls.__doc__ and cls.__doc__.startswith("Emitted when"), cls

    def test_an_event_round_trips_through_kafka_encoding(self) -> None:
        token = correlation_id.set("corr-1")
        try:
            event = _need_posted()
        finally:
            correlation_id.reset(token)
        key, value, headers = encode(event)
        assert key == b"n1"
        assert parse_event(value) == event
        assert ("correlation_id", b"corr-1") in headers
        envelope = json.loads(value)
        assert {"specversion", "id", "source", "type", "time", "subject", "datacontenttype"} <= envelope.keys()

    @pytest.mark.parametrize(
        "raw",
        [b"{not json", b"[]", b'{"type": "need.teleported"}', b'{"type": "need.posted", "data": {}}'],
    )
    def test_anything_outside_the_contract_is_refused(self, raw: bytes) -> None:
        with pytest.raises(ValidationError):
            parse_event(raw)

    def test_each_aggregate_has_its_producers_topic(self) -> None:
        assert topic_of("need.posted") == "needs.events"
        assert topic_of("organization.registered") == "organizations.events"
        assert topic_of("member.joined") == "organizations.members"  # not read by those that pass it over
        assert topic_of("match.proposed") == "matching.events"
