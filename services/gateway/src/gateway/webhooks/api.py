"""The partner API's webhooks and live stream, under /api/v1: a key with the `read` scope
subscribes its organisation's events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse

from gateway.partner_api.keys import Reader
from gateway.webhooks.live import LiveEvents
from gateway.webhooks.schemas import WebhookCreate
from gateway.webhooks.service import Webhooks
from runtime.app import provided
from runtime.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["partner API"])


WebhooksDep = Annotated[Webhooks, Depends(provided(Webhooks))]


@router.post("/webhooks", status_code=201)
async def subscribe(body: WebhookCreate, webhooks: WebhooksDep, partner: Reader) -> dict[str, Any]:
    """Every event that concerns the key's organisation (its needs, claims, venues, bookings,
    requests, proposals...) is POSTed to `url`, or those of `types` only, with retries. The
    answer holds the secret of the `X-PBS-Signature` HMAC, this once (see the module docs)."""
    subscription = await webhooks.subscribe(partner.organization_id, body)
    return {"id": subscription.pop("_id"), **subscription}


@router.get("/webhooks")
async def list_webhooks(webhooks: WebhooksDep, partner: Reader) -> dict[str, Any]:
    return {"items": [{"id": w.pop("_id"), **w} for w in await webhooks.mine(partner.organization_id)]}


@router.delete("/webhooks/{webhook_id}", status_code=204)
async def unsubscribe(webhook_id: IdPath, webhooks: WebhooksDep, partner: Reader) -> Response:
    await webhooks.unsubscribe(partner.organization_id, webhook_id)
    return Response(status_code=204)


@router.get("/events/stream")
async def event_stream(
    partner: Reader, live: Annotated[LiveEvents, Depends(provided(LiveEvents))]
) -> StreamingResponse:
    """The key's organisation's events as they happen, as server-sent events (`text/event-stream`:
    `id`, `event` the type, `data` the CloudEvent), with a comment every 15 s to keep the
    connection. For events missed while not connected, subscribe a webhook."""
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(live.stream(partner.organization_id), media_type="text/event-stream", headers=headers)


@router.get("/webhooks/{webhook_id}/deliveries")
async def deliveries(webhook_id: IdPath, webhooks: WebhooksDep, partner: Reader) -> dict[str, Any]:
    """What was sent to the webhook: each event's delivery, its attempts and the last answer."""
    found = await webhooks.log_of(partner.organization_id, webhook_id)
    return {"items": [{"id": d.pop("_id"), **d} for d in found]}
