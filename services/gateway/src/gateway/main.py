"""Composition root of the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from contract.events import (
    EVENT_TYPES,
    NOTIFICATIONS_TOPIC,
    topic_of,
)
from gateway.config import Settings
from gateway.limits import Limits, RateLimiter
from gateway.microcache import MicroCache
from gateway.partner_api import api as partner_api
from gateway.partner_api.keys import PartnerKeys
from gateway.portal import (
    activities,
    admins,
    agreements,
    audit,
    checkin,
    concerns,
    inbox,
    meetings,
    needs,
    organizations,
    projects,
    public,
    purchases,
    ratings,
    records,
    registrations,
    residents,
    rules,
    service_requests,
    shop,
    sign_in,
    standings,
    timebank,
    wishes,
)
from gateway.portal.accounts import Accounts
from gateway.portal.errors import ErrorPages
from gateway.portal.inbox import Bells
from gateway.portal.places import Places
from gateway.portal.web import (
    CARE_COOKIE,
    LANG_COOKIE,
    NOTICE_COOKIE,
    SESSION_COOKIE,
    PortalRefusal,
    SecurityHeaders,
    SignInFirst,
    compile_templates,
    portal_refusal,
    sign_in_first,
    spoken,
)
from gateway.service import Cached
from gateway.upstreams import Upstream, Upstreams, upstream_session
from gateway.webhooks import api as webhooks_api
from gateway.webhooks.destinations import Destinations, networks
from gateway.webhooks.live import LiveEvents
from gateway.webhooks.service import Webhooks, partner_session
from runtime.app import Infra, background, create_service_app, event_consumer, event_reader, serve, sweeping
from runtime.idempotency import by_api_key
from runtime.kafka import Idempotent, Reading


def peoples(event_type: str) -> bool:
    """Whether events of this type are people's own affairs, told no partner: messages, residents' concerns."""
    return topic_of(event_type) == NOTIFICATIONS_TOPIC or event_type.startswith("concern.")


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    async with AsyncExitStack() as stack:
        urls = {
            "organizations": settings.organizations_url,
            "needs": settings.needs_url,
            "resources": settings.resources_url,
            "matching": settings.matching_url,
            "points": settings.points_url,
            "notifications": settings.notifications_url,
            "cobuilding": settings.cobuilding_url,
        }
        timeout = settings.upstream_timeout_seconds
        sessions = {n: await stack.enter_async_context(upstream_session(u, timeout)) for n, u in urls.items()}
        up = Upstreams(**{name: Upstream(name, session) for name, session in sessions.items()})
        limits = Limits(
            partner_calls=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
            key_guesses=RateLimiter(
                settings.key_failures_per_minute, settings.key_failures_per_minute, "refused API keys from this address"
            ),
            sign_ins=RateLimiter(settings.sign_in_attempts_per_minute, settings.sign_in_attempts_per_minute),
            sign_in_addresses=RateLimiter(settings.sign_in_failures_per_minute, settings.sign_in_failures_per_minute),
        )
        accounts = Accounts(infra.db, settings.session_minutes, settings.sign_in_hashers)
        stack.callback(accounts.close)
        await accounts.start()
        partner_keys = PartnerKeys(up.organizations, settings.actor_secret)
        await asyncio.to_thread(compile_templates)
        places = Places(up.organizations, settings.city_code)
        app.state.components.add(up, limits, accounts, partner_keys, Cached(settings.cache_seconds), places)
        await infra.db["webhook_deliveries"].create_index("state")
        await infra.db["webhook_deliveries"].create_index("subscription_id")
        await infra.db["webhook_leases"].create_index("at")
        destinations = Destinations(networks(settings.webhook_allowed_networks), settings.own_services())
        partners = await stack.enter_async_context(partner_session(destinations, settings.webhook_timeout_seconds))
        webhooks = Webhooks(infra.db, partners, destinations)
        partners_events = [t for t in EVENT_TYPES if not peoples(t)]
        every_event = dict.fromkeys(partners_events, Idempotent(webhooks.on_event))
        live, bells = LiveEvents(), Bells()
        app.state.components.add(webhooks, live, bells)

        async def streamed(event_type: str) -> bool:  # a partner's or a page's stream is open for it
            return (bells if event_type == "message.stored" else live).streams.listening()

        async with background(
            sweeping(accounts.sweep, 3600),
            sweeping(webhooks.sweep, 3600),
            event_consumer(infra, every_event, wanted=webhooks.wants).run(),
            webhooks.deliver_forever(),
            event_reader(
                settings,
                {**dict.fromkeys(partners_events, live.on_event), "message.stored": bells.on_event},
                Reading.TAIL,
                wanted=streamed,
            ).run(),
        ):
            yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="Party-building supermarket: partner API",
        routers=[
            partner_api.api,
            webhooks_api.router,
            public.router,
            sign_in.router,
            residents.router,
            records.router,
            activities.router,
            checkin.router,
            concerns.router,
            agreements.router,
            meetings.router,
            projects.router,
            purchases.router,
            organizations.router,
            needs.router,
            wishes.router,
            shop.router,
            registrations.router,
            timebank.router,
            inbox.router,
            ratings.router,
            service_requests.router,
            admins.router,
            audit.router,
            standings.router,
            rules.router,
        ],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=sorted({topic_of(t) for t in EVENT_TYPES}),  # every one: partners may follow every event
        middleware=[SecurityHeaders],
        body_limits={
            prefix: settings.max_photo_bytes + 64 * 1024
            for prefix in ("/api/v1/wishes/", "/org/wishes/", "/concerns", "/admin/concerns", "/projects/")
        },
        idempotent=("/api/v1/", by_api_key),
        docs=False,  # public.api_docs: the same page from the portal's own packages, for a city's intranet
    )
    app.add_exception_handler(SignInFirst, sign_in_first)
    app.add_exception_handler(PortalRefusal, portal_refusal)
    app.add_middleware(ErrorPages)  # outermost: a body too large is refused as a page too
    return app


def run() -> None:
    settings = Settings()
    # In front of the whole app, FastAPI's own layers included: a kept answer skips them all.
    # Compressed inside the micro-cache: a kept answer is compressed once, not at every visit.
    cache = MicroCache(
        GZipMiddleware(create_app(settings), minimum_size=1024, compresslevel=6),
        seconds=settings.cache_seconds,
        own_cookies=(SESSION_COOKIE, NOTICE_COOKIE, CARE_COOKIE),
        lang_cookie=LANG_COOKIE,
        spoken=spoken,
    )
    serve(cache, settings)
