"""Sending what is stored: every message is in the inbox once it is stored, its mails and SMS
(`Message.deliveries`) are stored with it, pending, and sent from there. A send that fails is
tried again after pauses that double (`RETRY_SECONDS`, then twice that...) and after
`DELIVERY_ATTEMPTS` tries is marked failed with its reason, which the person sees in their inbox
and operations count on `/metrics`. A message is taken for sending for a while (`HOLD`) by a
conditional update, so two processes never send it at once; a crash between the send and the
record of it sends it again once the hold lapses (a mail carries the same Message-ID), a crash
before the send only delays it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from notifications.models import Channel, Delivery, Message
from notifications.preferences import Links, PreferenceRepository, Preferences
from notifications.repository import MessageRepository
from notifications.senders import Letter, Mailer, NotSent, Sms, confirmation, sms_text

log = logging.getLogger(__name__)

HOLD = timedelta(minutes=15)  # a message taken for sending is not taken again before this
ROUND = 50  # messages taken at a time: sent well within the hold, even at the SMTP timeout each
SENT = Counter("notifications_deliveries_total", "Mails and SMS tried, by outcome", ["channel", "outcome"])


class Postman:
    def __init__(
        self,
        messages: MessageRepository,
        preferences: PreferenceRepository,
        links: Links,
        *,
        mailer: Mailer | None,
        sms: Sms | None,
        portal_url: str,
        retry: timedelta,
        attempts: int,
    ) -> None:
        self.messages, self.preferences, self.links = messages, preferences, links
        self.mailer, self.sms = mailer, sms
        self.portal_url, self.retry, self.attempts = portal_url, retry, attempts
        self._wake = asyncio.Event()

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The channels the platform can send by, as configured."""
        found: list[Channel] = ["email"] if self.mailer is not None else []
        return (*found, "sms") if self.sms is not None else tuple(found)

    def wake(self) -> None:
        self._wake.set()

    async def run(self, every: float) -> None:
        """Sends what falls due, when woken (a message stored to send now) or every `every` seconds."""
        while True:
            self._wake.clear()  # before the round: a message stored during it wakes the next
            try:
                while await self.send_due() > 0:
                    pass
            except Exception:
                log.exception("sending failed; the next round tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), every)

    async def send_due(self, now: datetime | None = None, limit: int = ROUND) -> int:
        """Sends the deliveries due by `now` (a day's digest to one address in one mail); how many
        messages it handled."""
        now = now or datetime.now(UTC)
        due = await self.messages.due(now, limit=limit)
        taken = [m for m in due if await self.messages.take(m.id, now, now + HOLD)]
        wanted = await self.preferences.of(m.recipient for m in taken)
        now_due = {m.id: [self._as_wanted(m, d, wanted.get(m.recipient), now) for d in m.deliveries] for m in taken}
        digests: defaultdict[tuple[str, str], list[Message]] = defaultdict(list)
        for message in taken:
            for d in now_due[message.id]:
                if d.status == "pending" and d.digest and d.next_at <= now:
                    digests[message.recipient, d.to].append(message)
        digest_failures = {key: await self._mail(key[1], found) for key, found in digests.items()}
        for message in taken:
            deliveries = []
            for d in now_due[message.id]:
                if d.status != "pending" or d.next_at > now:
                    deliveries.append(d)
                    continue
                failure = digest_failures[message.recipient, d.to] if d.digest else await self._send(message, d)
                deliveries.append(self._after(d, failure, now))
            await self.messages.delivered(message.id, deliveries)
        return len(taken)

    def _as_wanted(self, message: Message, delivery: Delivery, wanted: Preferences | None, now: datetime) -> Delivery:
        """A delivery due now, as its person wants it now: cancelled when they turned it off or
        took the address away, to the address they give now, an SMS held while their quiet
        hours last (a retry, or one late after an outage, included), a mail at once when they no
        longer want the digest."""
        if delivery.status != "pending" or delivery.next_at > now:
            return delivery
        to = wanted.address(message.kind, delivery.channel) if wanted else None
        if wanted is None or to is None:
            return delivery.model_copy(update={"status": "cancelled", "reason": "turned off by its person"})
        update: dict[str, object] = {"to": to}
        if delivery.channel == "sms" and (quiet := wanted.quiet_until(now)) is not None:
            update["next_at"] = quiet
        if delivery.digest and not wanted.digest:
            update["digest"] = False
        return delivery.model_copy(update=update)

    async def _send(self, message: Message, delivery: Delivery) -> str | None:
        if delivery.channel == "email":
            return await self._mail(delivery.to, [message])
        if self.sms is None:
            return "SMS is not configured"
        try:
            await self.sms.send(delivery.to, sms_text(message, self.portal_url))
        except NotSent as exc:
            return str(exc)
        return None

    async def _mail(self, to: str, messages: list[Message]) -> str | None:
        """Mails the messages to `to`; the reason when it failed."""
        if self.mailer is None:
            return "mail is not configured"
        off = {m.kind: self._unsubscribe(m) for m in messages}
        try:
            await self.mailer.send(Letter(to, messages, self.portal_url, off))
        except NotSent as exc:
            return str(exc)
        return None

    def _unsubscribe(self, message: Message) -> str:
        token = self.links.unsubscribe(message.recipient, message.kind, "email")
        return f"{self.portal_url.rstrip('/')}/unsubscribe?t={token}"

    async def ask_to_confirm(self, person: str, channel: Channel, address: str) -> None:
        """Sends the address its confirmation link (a failure is logged: saving again resends it)."""
        link = f"{self.portal_url.rstrip('/')}/inbox/confirm?t={self.links.confirm(person, channel, address)}"
        try:
            if channel == "email" and self.mailer is not None:
                await self.mailer.deliver(confirmation(address, link, self.mailer.sender), address)
            elif channel == "sms" and self.sms is not None:
                await self.sms.send(address, f"【党建超市】请点击链接确认接收短信通知：{link}")
        except NotSent as exc:
            log.warning("confirmation link not sent", extra={"fields": {"channel": channel, "reason": str(exc)}})

    def _after(self, delivery: Delivery, failure: str | None, now: datetime) -> Delivery:
        tried = delivery.attempts + 1
        if failure is None:
            SENT.labels(delivery.channel, "sent").inc()
            return delivery.model_copy(update={"status": "sent", "attempts": tried, "sent_at": now, "reason": None})
        if tried >= self.attempts:
            SENT.labels(delivery.channel, "failed").inc()
            log.warning("delivery failed", extra={"fields": {"channel": delivery.channel, "reason": failure}})
            return delivery.model_copy(update={"status": "failed", "attempts": tried, "reason": failure})
        SENT.labels(delivery.channel, "retried").inc()
        pause = self.retry * 2 ** (tried - 1)
        return delivery.model_copy(update={"attempts": tried, "next_at": now + pause, "reason": failure})
