"""What every portal page shares: templates in the visitor's language, who the visitor is,
CSRF on every form, the security headers, and the services asked as the visitor.

CSRF: a signed-in visitor's forms carry their session's token; an anonymous visitor's (sign-in,
registration) carry the value of a `pbs_csrf` cookie set with the page. A POST whose `csrf`
field is not that token is refused, so another site cannot post a form as the visitor.

What a form's answer says (saved, or the service's refusal) goes to the next page in a
`pbs_notice` cookie that page takes away, not in the address, where any link could set it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import aiohttp
from fastapi import Depends, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.types import Message, Receive, Scope, Send

from gateway.portal.accounts import Accounts, Role, Session
from gateway.portal.i18n import (
    LANGUAGES,
    WORDS,
    categories,
    category_label,
    cause_label,
    field_reason,
    plain_reasons,
    reason_label,
    status_label,
    translate,
    weekdays,
)
from gateway.portal.places import Places
from gateway.upstreams import Answer, Upstream, Upstreams
from runtime.actors import Actor, sign
from runtime.app import component
from runtime.http import HttpMiddleware, invalid
from runtime.params import IdPath, IdQuery

SESSION_COOKIE = "pbs_session"
CSRF_COOKIE = "pbs_csrf"
LANG_COOKIE = "lang"
NOTICE_COOKIE = "pbs_notice"
CARE_COOKIE = "care"  # "1": the elderly-friendly look (large type, high contrast, one column)
CST = ZoneInfo("Asia/Shanghai")

ANONYMOUS_FORMS = {"login.html", "register.html"}  # the pages with a form for visitors not signed in
templates = Environment(
    loader=PackageLoader("gateway.portal", "templates"), autoescape=select_autoescape(), enable_async=True
)


def _local(moment: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(CST).strftime(fmt)


def compile_templates() -> None:
    """Every page's template compiled now, at start, not by the first visitor to ask for it."""
    for name in templates.list_templates(extensions=["html"]):
        templates.get_template(name)


templates.filters["local"] = _local
templates.filters["hm"] = lambda minutes: f"{'-' if minutes < 0 else ''}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
templates.filters["moment"] = lambda text: datetime.fromisoformat(text) if text else None  # to compare two times


class PortalRefusal(Exception):
    """A page that answers with a message rather than what was asked for."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


class SignInFirst(Exception):
    """The page is for signed-in people (of a role); the visitor is sent to sign in."""


def language(request: Request) -> str:
    return spoken(request.cookies.get(LANG_COOKIE))


def spoken(chosen: str | None) -> str:
    """The language a page is shown in for the `lang` cookie's value: Chinese unless it names another."""
    return chosen if chosen in LANGUAGES else "zh"


async def visitor_of(request: Request) -> Session | None:
    """The signed-in visitor, looked up once a request (a refusal's page asks again)."""
    if not hasattr(request.state, "visitor"):
        token = request.cookies.get(SESSION_COOKIE)
        accounts = component(request, Accounts)
        request.state.visitor = await accounts.session(token) if token else None
        if request.state.visitor is not None:  # who the audit log names for this request
            request.state.actor = request.state.visitor.account.actor
    visitor: Session | None = request.state.visitor
    return visitor


Visitor = Annotated[Session | None, Depends(visitor_of)]
ItemId = IdPath
AreaFilter = Annotated[str | None, Query(pattern=r"^([0-9]{6,17})?$")]
PageCursor = IdQuery


def _signed_in(*roles: Role) -> Callable[[Session | None], Awaitable[Session]]:
    async def check(visitor: Visitor) -> Session:
        if visitor is None:
            raise SignInFirst()
        if roles and visitor.account.role not in roles:
            raise PortalRefusal(403, "forbidden")
        return visitor

    return check


SignedIn = Annotated[Session, Depends(_signed_in())]
ResidentIn = Annotated[Session, Depends(_signed_in(Role.RESIDENT))]
OrgPersonIn = Annotated[Session, Depends(_signed_in(Role.MEMBER, Role.ORG_ADMIN))]
MemberIn = Annotated[Session, Depends(_signed_in(Role.MEMBER))]
PersonIn = Annotated[Session, Depends(_signed_in(Role.RESIDENT, Role.MEMBER))]  # one with minutes of their own
OrgAdminIn = Annotated[Session, Depends(_signed_in(Role.ORG_ADMIN))]
AreaAdminIn = Annotated[Session, Depends(_signed_in(Role.AREA_ADMIN))]
# an organisation's or an area's administrator: a buyer of services (a union, a street)
AdminIn = Annotated[Session, Depends(_signed_in(Role.ORG_ADMIN, Role.AREA_ADMIN))]
# a person with an account in the ledger: a resident, or a member (an organisation's administrator too, as a member)
AccountHolderIn = Annotated[Session, Depends(_signed_in(Role.RESIDENT, Role.MEMBER, Role.ORG_ADMIN))]


def _expected_csrf(request: Request, visitor: Session | None) -> str:
    return visitor.csrf if visitor is not None else request.cookies.get(CSRF_COOKIE, "")


async def _posted(request: Request, visitor: Visitor) -> FormData:
    form = await request.form()
    expected = _expected_csrf(request, visitor)
    given = form.get("csrf")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise PortalRefusal(403, "bad_form")
    once = form.get("once")
    request.state.once = once if isinstance(once, str) and 0 < len(once) <= 64 else None
    return form


Posted = Annotated[FormData, Depends(_posted)]


async def render(
    request: Request, template: str, visitor: Session | None, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = language(request)
    csrf = visitor.csrf if visitor else request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    notice = request.cookies.get(NOTICE_COOKIE)
    places = component(request, Places)
    if "errors" in context:  # a form's refused fields: why each, in the visitor's words
        context["errors"] = {field: said(why, lang) for field, why in (context["errors"] or {}).items()}
    html = await templates.get_template(template).render_async(
        notice=said(unquote(notice), lang) if notice else None,
        notice_kind=notice_kind(unquote(notice)) if notice else None,
        request=request,
        site=request.app.state.settings.identity(lang),
        care=request.cookies.get(CARE_COOKIE) == "1",
        once=secrets.token_urlsafe(12),
        place=lambda code: places.label(code, lang),
        path=request.url.path,
        lang=lang,
        t=lambda key: translate(key, lang),
        label=lambda category: category_label(category, lang),
        state=lambda status: status_label(status, lang),
        reason=lambda name: reason_label(name, lang),
        plainly=lambda view: plain_reasons(view.proposal, view.need, view.resource, lang),
        cause=lambda cause_type: cause_label(cause_type, lang),
        weekdays=lambda days: weekdays(days, lang),
        categories=categories(lang),
        visitor=visitor,
        csrf=csrf,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    if notice:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    if visitor is None and CSRF_COOKIE not in request.cookies and template in ANONYMOUS_FORMS:
        set_cookie(request, response, CSRF_COOKIE, csrf)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    secure = request.app.state.settings.environment == "production"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


def back_to(url: str, message: str | None = None) -> RedirectResponse:
    """After a form: see the page again (303), with a message (a key of `WORDS`, or a service's) to show there."""
    response = RedirectResponse(url, status_code=303)
    if message:
        response.set_cookie(NOTICE_COOKIE, quote(message), max_age=60, httponly=True, samesite="lax", path="/")
    return response


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path of this site: never another site a link could send the visitor to."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


class Services:
    """The services, asked as the visitor (their refusals come back to be shown)."""

    def __init__(self, request: Request, visitor: Visitor) -> None:
        up = component(request, Upstreams)
        self.organizations = up.organizations
        self.needs = up.needs
        self.resources = up.resources
        self.matching = up.matching
        self.points = up.points
        self.notifications = up.notifications
        self.cobuilding = up.cobuilding
        self.visitor = visitor
        self._secret: str = request.app.state.settings.actor_secret
        self._once: str | None = getattr(request.state, "once", None)  # the posted form's, as it was shown

    @property
    def actor(self) -> str | None:
        """The visitor's `X-Actor` token; None for a visitor not signed in."""
        return None if self.visitor is None else sign(self.visitor.account.actor, self._secret)

    def headers(self, actor: Actor | None = None) -> dict[str, str]:
        """The visitor's `X-Actor` header, or `actor`'s (one the visitor acts as)."""
        if actor is not None:
            return {"X-Actor": sign(actor, self._secret)}
        return {"X-Actor": self.actor} if self.actor else {}

    async def get(
        self, upstream: Upstream, path: str, params: dict[str, Any] | None = None, *, actor: Actor | None = None
    ) -> Any:
        """The service's answer (asked as the visitor, or as `actor`); a refusal is shown as the page's message."""
        response = await upstream.call("GET", path, params=_present(params or {}), headers=self.headers(actor))
        if response.status_code >= 400:
            raise PortalRefusal(response.status_code, _message(response))
        return response.json()

    async def send(
        self,
        upstream: Upstream,
        path: str,
        body: type[BaseModel] | None = None,
        fields: Mapping[str, Any] | None = None,
        method: str = "POST",
    ) -> Answer:
        """A POST (or `method`) as the visitor, of `body` (the contract's, as the partner API takes
        it) made of the form's `fields`; the answer, refusals included, for the page to show.
        Fields that do not make a valid body are refused here as the service would refuse them."""
        content = b"{}"
        if body is not None:
            try:
                sent = body.model_validate({k: v for k, v in (fields or {}).items() if v is not None})
            except ValidationError as exc:
                refused = invalid([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
                return Answer(refused.status_code, bytes(refused.body), {"content-type": "application/json"})
            content = sent.model_dump_json(exclude_unset=True).encode()
        headers = {**self.headers(), "Content-Type": "application/json"}
        if self._once is None or method != "POST":
            return await upstream.call(method, path, content=content, headers=headers)
        # The same form sent again (a double click, a page reloaded, the back button) is the same
        # request: the service answers it as the first time and makes nothing twice.
        key = hashlib.sha256(b"\0".join([self._once.encode(), path.encode(), content])).hexdigest()
        for _ in range(SAME_FORM_WAITS):
            answer = await upstream.call(method, path, content=content, headers={**headers, "Idempotency-Key": key})
            if answer.status_code != 409 or b"in_progress" not in answer.content:
                return answer
            await asyncio.sleep(0.2)  # the first of the two is still being answered
        return answer

    async def make(
        self,
        request: Request,
        upstream: Upstream,
        path: str,
        body: type[BaseModel],
        fields: Mapping[str, Any],
        *,
        values: dict[str, str],
        template: str,
        page: str,
    ) -> Response:
        """A form that makes something, sent as `body` of `fields`: then the page of what was made,
        or the form again with the refusal and what was filled in (`made_or_form_again`)."""
        response = await self.send(upstream, path, body, fields)
        assert self.visitor is not None  # forms that make something are for those signed in
        return await made_or_form_again(request, self.visitor, response, template=template, values=values, page=page)

    async def upload(self, upstream: Upstream, path: str, photo: UploadFile) -> Answer:
        """A photo the visitor chose, passed on as the form field `photo` to the service, which checks it."""
        upload = aiohttp.FormData()
        upload.add_field(
            "photo", await photo.read(), filename=photo.filename or "photo", content_type=photo.content_type
        )
        return await upstream.call("POST", path, content=upload, headers=self.headers())

    async def photo(self, upstream: Upstream, path: str) -> Response:
        """A photo the service keeps, as the visitor may see it (404 for one they may not)."""
        answer = await upstream.call("GET", path, headers=self.headers())
        if answer.status_code != 200:
            return Response(status_code=404)
        return Response(answer.content, media_type=answer.headers.get("content-type", "image/jpeg"))

    async def act(
        self,
        upstream: Upstream,
        path: str,
        back: str,
        body: type[BaseModel] | None = None,
        fields: Mapping[str, Any] | None = None,
        method: str = "POST",
    ) -> RedirectResponse:
        """A POST (or `method`) as the visitor, then the page `back` again, saying it was saved or why not."""
        response = await self.send(upstream, path, body, fields, method)
        return back_to(back, refusal_of(response) or "saved")


ServicesDep = Annotated[Services, Depends()]
SAME_FORM_WAITS = 25  # times 0.2 s: how long a form sent twice waits for the first to be answered


def _present(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}


# A service's refusal in words of the portal's own: by its error code and, for a conflict, the
# detail it names. Anything else is shown as the service says it (`refused`).
REFUSALS = {
    "slot_taken": "refused_slot_taken",
    "forbidden": "forbidden",
    "not_found": "not_found",
}
CONFLICTS = {
    "remaining": "refused_only_left",
    "left": "refused_only_left",
    "sign_up_until": "refused_sign_up_closed",
    "resident_id": "refused_signed_up_already",
    "starts_at": "refused_begun",
    "deadline": "refused_deadline_passed",
    "field": "refused_code_taken",
    "status": "refused_status",
    "opens_at": "refused_not_ended",
    "closes_at": "refused_rating_closed",
    "balance": "refused_not_enough",  # the ledger's: points or minutes short of what is asked
    "allowed": "refused_over_budget",  # a project's: spending past its budget and what was approved
}


def _message(response: Answer) -> str:
    """A refusal, as `said` shows it: a key of `WORDS`, with what it names after a `|`."""
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        return f"refused|HTTP {response.status_code}"
    if code in REFUSALS:
        return REFUSALS[code]
    if code == "invalid_request":
        return f"refused_invalid|{message}"
    if code in ("conflict", "invalid_transition", "insufficient_balance"):
        named = next((detail for detail in CONFLICTS if detail in error), None)
        if named is not None:
            return f"{CONFLICTS[named]}|{error[named]}"
    return f"refused|{message}"


def number(value: object, default: int) -> int:
    """A form's whole number, or `default` when it is none."""
    try:
        return int(str(value))
    except ValueError:
        return default


def local_time(value: str) -> str | None:
    """A form's local date and time (China Standard Time) as a time with its zone."""
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=CST)
        moment.astimezone(UTC)  # a time at the calendar's very edge overflows here: it is no time to send on
        return moment.isoformat()
    except (ValueError, OverflowError):
        return None


def form_values(form: FormData, *names: str) -> dict[str, str]:
    """The form's fields of those names, as text ("" for one not sent), to show again if refused."""
    return {name: str(form.get(name, "")).strip() for name in names}


def form_time(value: str) -> str | None:
    """A form's local date and time as a time with its zone; none for an empty field; a value
    that is no time as it was typed, for the contract to refuse it, naming its field."""
    return (local_time(value) or value) if value else None


async def made_or_form_again(
    request: Request, visitor: Session, response: Answer, *, template: str, values: dict[str, str], page: str
) -> Response:
    """After a form that makes something: its page (`page` + its id), or the form again with the
    service's refusal, each refused field marked with why, and what was filled in."""
    if error := refusal_of(response):
        lang = language(request)
        errors = field_errors(response, lang)
        error = marked(errors, lang) if errors else said(error, lang)
        return await render(
            request, template, visitor, error=error, errors=errors, values=values, status_code=response.status_code
        )
    return back_to(f"{page}/{response.json()['id']}", "saved")


def marked(errors: dict[str, str], lang: str) -> str:
    """A form's refusal said at its top: not sent, and each field marked with why (标题:请填写此项)."""
    named = [
        f"{translate(field, lang) if field in WORDS else field}{'：' if lang == 'zh' else ': '}{why}"
        for field, why in errors.items()
    ]
    return translate("check_marked", lang) + " " + ("；" if lang == "zh" else "; ").join(named)


def field_errors(response: Answer, lang: str) -> dict[str, str]:
    """The fields of a form the service refused (`body.title`: the form's `title`), each with why."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return {}
    named = [(str(f.get("field", "")), str(f.get("reason", ""))) for f in error.get("fields", [])]
    if isinstance(error.get("field"), str):  # a rule of the service's own about one field
        named.append((error["field"], ""))
    errors: dict[str, str] = {}
    for field, reason in named:
        parts = field.split(".")
        name = parts[1] if parts[0] == "body" and len(parts) > 1 else parts[-1]
        errors.setdefault(name, field_reason(reason, lang))
    return errors


def is_refusal(message: str) -> bool:
    """Whether a form's message says it was not done (shown as a refusal, not as a success)."""
    key = message.partition("|")[0]
    return key.startswith("refused") or key in ("forbidden", "not_found", "bad_form")


def notice_kind(message: str) -> str:
    """How a form's message is shown: `refused` (not done), `warning` (done, but mind it) or `done`."""
    if is_refusal(message):
        return "refused"
    return "warning" if message.partition("|")[0].startswith("warn") else "done"


def refusal_of(response: Answer) -> str | None:
    """What a refused POST says, for the page; None when it was done."""
    return None if response.status_code < 400 else _message(response)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders(HttpMiddleware):
    """Every answer says: no sniffing, no framing, no referrer to other sites; the portal's pages
    also carry a strict Content-Security-Policy (the API's `/docs` page loads its own scripts)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        strict = not scope["path"].startswith(("/docs", "/redoc"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + HEADERS
                if strict:
                    headers.append((b"content-security-policy", CSP.encode()))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


async def sign_in_first(request: Request, exc: Exception) -> Response:
    """To the sign-in page, and back to the page asked for with its query once signed in (a
    scanned check-in code or a pickup code's QR is in it)."""
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?next=" + quote(asked, safe="/"), status_code=303)


async def portal_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalRefusal)
    message = said(exc.message, language(request))
    return await render(request, "refused.html", await visitor_of(request), status_code=exc.status, message=message)


def said(message: str, lang: str) -> str:
    """A message of the portal's own (a key of `WORDS`, `key|what it names`) in the visitor's
    language; any other as it is."""
    key, _, named = message.partition("|")
    if key not in WORDS:
        return message
    try:  # a time it names, in the visitor's time
        shown = _local(datetime.fromisoformat(named))
    except ValueError:
        shown = status_label(named, lang)
    return translate(key, lang).replace("{arg}", shown)
