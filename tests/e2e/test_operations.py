"""What operations rely on: probes, metrics, and a correlation id that crosses Kafka."""

from __future__ import annotations

import json

import httpx
import pytest

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC
from devkit.testing import SERVICES, PlatformApi, TestStack, acting, organization, point_of, read_topic

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("service", SERVICES)
async def test_every_service_is_alive_ready_and_measured(
    service: str, stack: TestStack, http: httpx.AsyncClient
) -> None:
    url = stack.url(service)
    assert (await http.get(url + "/healthz")).json() == {"status": "ok"}
    ready = (await http.get(url + "/readyz")).json()
    assert {k: ready[k] for k in ("status", "mongo", "kafka")} == {"status": "ready", "mongo": "ok", "kafka": "ok"}
    if service == "gateway":  # writes of unique inserts and of sets any process makes alike
        assert "lease" not in ready
    else:  # one writer per database on FerretDB; on MongoDB none is needed
        lease = ready["lease"]
        assert lease.get("this_process") is True or lease == {
            "needed": False,
            "why": "MongoDB updates each document atomically",
        }
    metrics = (await http.get(url + "/metrics")).text
    assert 'http_requests_total{method="GET",route="/readyz",status="200"}' in metrics


async def test_a_correlation_id_travels_from_a_request_through_kafka_to_the_next_service(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    charity = await api.register_organization("仓山区慈善总会", "350104001001", kind="social_organization")
    hall = await api.register_organization("仓山区文化馆党支部", "350104001002")
    await api.share_resource(hall, "culture", "350104001002")
    body = {
        "organization_id": charity,
        "title": "社区文艺汇演",
        "category": "culture",
        "area_code": "350104001001",
        "quantity": 5,
        **dict(zip(("lat", "lon"), point_of("350104001001"), strict=True)),
    }

    response = await http.post(
        stack.url("needs") + "/needs",
        json=body,
        headers={"X-Correlation-ID": "trace-42", **acting(organization(charity))},
    )

    need_id = response.json()["id"]
    assert response.headers["x-correlation-id"] == "trace-42"
    await api.proposals_for(need_id)

    def about_the_need(records: list) -> list:
        return [r for r in records if need_id in r.value.decode()]

    posted = about_the_need(await read_topic(stack.kafka, stack.topic(NEEDS_TOPIC), until=about_the_need))
    proposed = about_the_need(await read_topic(stack.kafka, stack.topic(MATCHING_TOPIC), until=about_the_need))
    for record in posted + proposed:
        assert dict(record.headers)["correlation_id"] == b"trace-42"
        assert json.loads(record.value)["correlationid"] == "trace-42"
