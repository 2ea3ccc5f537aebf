"""The channels beyond the inbox: mails through any SMTP server (the local stack's mail catcher by
default), and SMS behind one interface (`Sms`) with a provider's HTTP API or, locally, the mail
catcher. Each send raises `NotSent` with the reason when it fails."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import httpx

from notifications.models import Message
from notifications.table import KIND_NAMES

SIGNATURE = "党建超市 · Party-building supermarket"


class NotSent(Exception):
    """A send that failed; its message is the reason, kept on the delivery."""


@dataclass(frozen=True)
class Letter:
    """One mail: the messages it tells (one, or a day's digest) and the links it carries."""

    to: str
    messages: Sequence[Message]
    portal_url: str
    unsubscribe: dict[str, str]  # kind -> the link turning that kind's mails off

    def compose(self, sender: str, domain: str) -> EmailMessage:
        mail = EmailMessage()
        first = self.messages[0]
        if len(self.messages) == 1:
            mail["Subject"] = f"【党建超市】{first.zh}"
            mail["Message-ID"] = f"<{first.id}.email@{domain}>"  # a mail sent again is known as the same
        else:
            mail["Subject"] = f"【党建超市】今日消息 {len(self.messages)} 条 / Today's {len(self.messages)} messages"
            mail["Message-ID"] = f"<digest.{first.id}.{len(self.messages)}@{domain}>"
        mail["From"], mail["To"], mail["Date"] = sender, self.to, formatdate(localtime=False)
        if len(self.unsubscribe) == 1:
            (link,) = self.unsubscribe.values()
            mail["List-Unsubscribe"] = f"<{link}>"
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(self.text())
        mail.add_alternative(self.html(), subtype="html")
        return mail

    def link(self, message: Message) -> str:
        return self.portal_url.rstrip("/") + message.link

    def text(self) -> str:
        told = [f"{m.zh}\n{m.en}\n{self.link(m)}\n" for m in self.messages]
        stop = [
            f"不再接收{KIND_NAMES[k][0]}邮件 / No more mails about {KIND_NAMES[k][1]}: {u}" for k, u in self._kinds()
        ]
        return "\n".join([*told, "--", SIGNATURE, *stop]) + "\n"

    def html(self) -> str:
        told = "".join(
            f'<p>{html.escape(m.zh)}<br><span lang="en">{html.escape(m.en)}</span><br>'
            f'<a href="{html.escape(self.link(m))}">查看并处理 / Open</a></p>'
            for m in self.messages
        )
        stop = "<br>".join(
            f'<a href="{html.escape(u)}">不再接收{KIND_NAMES[k][0]}邮件 / No more mails about {KIND_NAMES[k][1]}</a>'
            for k, u in self._kinds()
        )
        return (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="font-family:sans-serif">'
            f'{told}<hr><p style="color:#666;font-size:small">{SIGNATURE}<br>{stop}</p></body></html>'
        )

    def _kinds(self) -> list[tuple[str, str]]:
        return sorted(self.unsubscribe.items())


def confirmation(to: str, link: str, sender: str) -> EmailMessage:
    """The mail asking its reader to confirm the address was given by them."""
    mail = EmailMessage()
    mail["Subject"] = "【党建超市】请确认您的邮箱 / Confirm your mail address"
    mail["From"], mail["To"], mail["Date"] = sender, to, formatdate(localtime=False)
    text = (
        "您在党建超市填写了这个邮箱，用于接收通知。请打开下面的链接确认：\n"
        "This address was given on the Party-building supermarket for its notices. Open the link to confirm:\n"
        f"{link}\n\n如果不是您本人操作，请忽略本邮件。 / If it was not you, ignore this mail.\n"
    )
    mail.set_content(text)
    zh, en = (html.escape(line) for line in text.splitlines()[:2])
    button = f'<a href="{html.escape(link)}">确认邮箱 / Confirm</a>'
    mail.add_alternative(
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
        f"<body><p>{zh}<br>{en}</p><p>{button}</p></body></html>",
        subtype="html",
    )
    return mail


class Mailer:
    """Sends mails through the SMTP server of `url`: `smtp://host:port` (STARTTLS when the server
    offers it), `smtps://host:465` (TLS from the start), with `user:password@` when it asks."""

    def __init__(self, url: str, sender: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must be smtp://host:port or smtps://host:port, not {url!r}")
        self.host, self.tls = parts.hostname, parts.scheme == "smtps"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout
        self.domain = sender.rpartition("@")[2].rstrip(">").strip() or "localhost"

    async def send(self, letter: Letter) -> None:
        await self.deliver(letter.compose(self.sender, self.domain), letter.to)

    async def deliver(self, mail: EmailMessage, to: str) -> None:
        try:
            await aiosmtplib.send(
                mail,
                recipients=[to],  # the one address, whatever the headers say
                hostname=self.host,
                port=self.port,
                username=self.user,
                password=self.password,
                use_tls=self.tls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise NotSent(f"SMTP: {type(exc).__name__}: {exc}"[:300]) from exc


class Sms(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Sends one SMS; raises `NotSent` with the reason when it fails."""
        ...


def sms_text(message: Message, portal_url: str) -> str:
    """An SMS in Chinese, as the platform's short messages are: the message and where to act."""
    return f"【党建超市】{message.zh} {portal_url.rstrip('/')}{message.link}"


class HttpSms:
    """A provider's HTTP API: POST `{"to", "text", "sign"}` as JSON with the key as a bearer
    token; any 2xx answer is sent."""

    def __init__(self, url: str, key: str, sign: str, timeout: float = 10.0) -> None:
        self.url, self.sign = url, sign
        self.client = httpx.AsyncClient(timeout=timeout, headers={"Authorization": f"Bearer {key}"}, trust_env=False)

    async def send(self, phone: str, text: str) -> None:
        try:
            answer = await self.client.post(self.url, json={"to": phone, "text": text, "sign": self.sign})
        except httpx.HTTPError as exc:
            raise NotSent(f"SMS provider: {type(exc).__name__}: {exc}"[:300]) from exc
        if not answer.is_success:
            raise NotSent(f"SMS provider answered {answer.status_code}: {answer.text[:200]}")


class MailedSms:
    """SMS delivered as mails to `{phone}@sms.invalid`: the local stack's mail catcher shows them,
    and tests read them there."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    async def send(self, phone: str, text: str) -> None:
        mail = EmailMessage()
        to = f"{phone}@sms.invalid"
        mail["Subject"], mail["From"], mail["To"] = f"SMS {phone}", self.mailer.sender, to
        mail.set_content(text)
        await self.mailer.deliver(mail, to)
