"""Composition root of the notifications service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from contract.events import (
    COBUILDING_TOPIC,
    MATCHING_TOPIC,
    NEEDS_TOPIC,
    NOTIFICATIONS_TOPIC,
    RESOURCES_TOPIC,
    topic_of,
)
from contract.events.notifications import MessageStored, MessageStoredData
from notifications import api
from notifications.config import Settings
from notifications.delivery import Postman
from notifications.models import Message
from notifications.preferences import Links, MongoPreferenceRepository
from notifications.repository import MongoMessageRepository, MongoReminderRepository
from notifications.senders import HttpSms, MailedSms, Mailer, Sms
from notifications.service import Notifications
from notifications.table import FOLLOWED
from runtime import kafka
from runtime.app import Infra, background, create_service_app, event_consumer, serve, sweeping
from runtime.handlers import Handlers
from runtime.kafka import publish


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    """The messages, reminders and preferences on MongoDB, the consumer of every event kind the
    tables name (`BATCH_EVENTS`: a run of a partition's events at once), the sweep telling
    reminders due, and the sender of mails (SMTP_URL) and SMS (SMS)."""
    settings = infra.settings
    assert isinstance(settings, Settings)
    messages, reminders = MongoMessageRepository(infra.db), MongoReminderRepository(infra.db)
    await messages.ensure_indexes()
    await reminders.ensure_indexes()
    links = Links(settings.link_secret)
    mailer = Mailer(settings.smtp_url, settings.mail_from) if settings.smtp_url else None
    sms = _sms(settings, mailer)
    preferences = MongoPreferenceRepository(infra.db)
    postman = Postman(
        messages,
        preferences,
        links,
        mailer=mailer,
        sms=sms,
        portal_url=settings.portal_url,
        retry=timedelta(seconds=settings.retry_seconds),
        attempts=settings.delivery_attempts,
    )
    notifications = Notifications(
        messages,
        reminders,
        preferences,
        links,
        remind_after=timedelta(hours=settings.remind_after_hours),
        channels=postman.channels,
        wake=postman.wake,
        ask_to_confirm=postman.ask_to_confirm,
        announce=lambda stored: publish(infra.producer, lambda t: settings.topic(topic_of(t)), announced(stored)),
    )
    app.state.components.add(notifications)
    handlers = Handlers()
    if settings.batch_events:  # ids are derived from the events: a run handled again adds nothing
        handlers.batched(FOLLOWED, notifications.on_events)
    else:
        for kind in FOLLOWED:
            handlers.on(kind, notifications.on_event, idempotent=True)
    async with background(
        event_consumer(infra, handlers).run(),
        sweeping(notifications.sweep, settings.sweep_seconds),
        postman.run(settings.send_seconds),
    ):
        yield
    if isinstance(sms, HttpSms):
        await sms.client.aclose()


def announced(messages: Sequence[Message]) -> list[kafka.Message]:
    """A `message.stored` event for each message newly stored: a page its person has open shows it.
    Told after the store and not retried: a page that misses one counts its messages anew when
    opened or back in view."""
    return [
        kafka.Message.of(
            MessageStored(
                source="notifications",
                subject=m.id,
                data=MessageStoredData(message_id=m.id, recipient=m.recipient, kind=m.kind),
            )
        )
        for m in messages
    ]


def _sms(settings: Settings, mailer: Mailer | None) -> Sms | None:
    if settings.sms == "http":
        return HttpSms(settings.sms_url, settings.sms_key, settings.sms_sign)
    if settings.sms == "mail" and mailer is not None:
        return MailedSms(mailer)
    return None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Notifications",
        routers=[api.router],
        wire=wire,
        topics=[NEEDS_TOPIC, RESOURCES_TOPIC, MATCHING_TOPIC, COBUILDING_TOPIC, NOTIFICATIONS_TOPIC],
        # a message is taken for sending by a conditional update: one writer on FerretDB (runtime.lease)
        lease="notifications",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
