"""No lost event and no duplicate effect when the needs service dies mid-flow."""

from __future__ import annotations

import json

import httpx
import pytest
from pymongo import AsyncMongoClient

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC
from devkit.testing import PlatformApi, TestStack, eventually, read_topic, send_raw
from runtime.mongo import Document

pytestmark = pytest.mark.stack


def _events_about(records: list, need_id: str, event_type: str) -> list[dict]:
    events = [json.loads(r.value) for r in records]
    return [e for e in events if e["type"] == event_type and need_id in (e["subject"], e["data"].get("need_id"))]


class TestTheNeedsServiceKilledBetweenWriteAndPublish:
    async def test_the_event_is_delivered_after_restart_and_matching_proposes_once(
        self, stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
    ) -> None:
        api = PlatformApi(stack, http)
        street_office = await api.register_organization("东街街道党工委", "350102003001", kind="party_committee")
        bank = await api.register_organization("福州银行东街支行党支部", "350102003002")
        resource_id = await api.share_resource(bank, "financial_advice", "350102003002")

        needs = stack.services["needs"]
        needs.restart(outbox_relay="false")  # the write happens; nothing publishes it
        need_id = await api.post_need(street_office, "financial_advice", "350102003001")
        stored = await mongo[stack.database("needs")]["needs"].find_one({"_id": need_id})
        assert stored is not None and stored["outbox_pending"] and len(stored["outbox"]) == 1

        needs.kill()
        needs.start()
        needs.wait_ready()

        [proposal] = await api.proposals_for(need_id)
        assert proposal["resource_id"] == resource_id
        posted = await read_topic(
            stack.kafka,
            stack.topic(NEEDS_TOPIC),
            within=10,
            until=lambda rs: bool(_events_about(rs, need_id, "need.posted")),
        )
        [event] = _events_about(posted, need_id, "need.posted")

        # The relay may publish again after a crash between publish and clear: say it did.
        index = stack.url("matching") + "/index"
        read = (await http.get(index)).json()["events_read"]
        await send_raw(stack.kafka, stack.topic(NEEDS_TOPIC), [(need_id.encode(), json.dumps(event).encode(), [])])

        async def read_again() -> None:
            assert (await http.get(index)).json()["events_read"] > read, "matching has not read it yet"

        await eventually(read_again)
        proposed = await read_topic(stack.kafka, stack.topic(MATCHING_TOPIC), within=3)
        assert len(_events_about(proposed, need_id, "match.proposed")) == 1
        assert len(await api.proposals_for(need_id)) == 1
        cleared = await mongo[stack.database("needs")]["needs"].find_one({"_id": need_id})
        assert cleared is not None and cleared["outbox"] == [] and not cleared["outbox_pending"]
