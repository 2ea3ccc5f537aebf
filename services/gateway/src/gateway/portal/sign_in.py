"""Signing in and out of the portal, and residents registering themselves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from contract.errors import Conflict
from gateway.limits import Limits, TooManyRequests
from gateway.portal.accounts import Account, Accounts, Role
from gateway.portal.web import (
    SESSION_COOKIE,
    Posted,
    Services,
    ServicesDep,
    Visitor,
    language,
    render,
    safe_next,
    said,
    set_cookie,
)
from runtime.app import component

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, visitor: Visitor, next: str | None = None) -> HTMLResponse:
    return await render(request, "login.html", visitor, next=safe_next(next), failed=False)


@router.post("/login", response_model=None)
async def login(request: Request, form: Posted) -> Response:
    """Signs in: a new session (the anonymous CSRF cookie is left behind), or the form again.
    Limited per username (`SIGN_IN_ATTEMPTS_PER_MINUTE`, every attempt) and per client address
    (`SIGN_IN_FAILURES_PER_MINUTE`, failed attempts: many people behind one address may sign
    in, one address may not guess on and on); an attempt over either is refused before any
    password is checked. The address is the client's, or `X-Forwarded-For` where the proxy
    sending it is trusted (uvicorn's `FORWARDED_ALLOW_IPS`, 127.0.0.1 unless set)."""
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    limits, accounts = component(request, Limits), component(request, Accounts)
    per_name, per_address = limits.sign_ins, limits.sign_in_addresses
    address = request.client.host if request.client else ""
    try:
        per_address.take(address)
    except TooManyRequests:
        return await render(request, "login.html", None, next=target, failed=True, status_code=429)
    try:
        per_name.take(username.lower())
    except TooManyRequests:
        per_address.give_back(address)  # refused unchecked: no guess was made
        return await render(request, "login.html", None, next=target, failed=True, status_code=429)
    account = await accounts.check(username, password)
    if account is None:
        return await render(request, "login.html", None, next=target, failed=True, status_code=401)
    per_address.give_back(address)  # only failures count against an address
    return await _signed_in(request, account, target)


async def _signed_in(request: Request, account: Account, target: str) -> RedirectResponse:
    accounts = component(request, Accounts)
    token, _ = await accounts.open_session(account)
    response = RedirectResponse(target if target != "/" else _start_page(account), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(accounts.lifetime.total_seconds()))
    return response


def _start_page(account: Account) -> str:
    return {Role.RESIDENT: "/me", Role.AREA_ADMIN: "/admin"}.get(account.role, "/org")


@router.post("/logout")
async def logout(request: Request, form: Posted) -> RedirectResponse:
    accounts = component(request, Accounts)
    if token := request.cookies.get(SESSION_COOKIE):
        await accounts.close_session(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/register", response_class=HTMLResponse)
async def register_form(request: Request, visitor: Visitor) -> HTMLResponse:
    return await render(request, "register.html", visitor, error=None, values={})


@router.post("/register", response_model=None)
async def register(request: Request, form: Posted, up: ServicesDep) -> Response:
    """A resident makes their own account, in a community the registry knows; or the form again, saying why not."""
    values = {k: str(form.get(k, "")) for k in ("username", "name", "area_code")}
    password = str(form.get("password", ""))
    try:
        account = Account(role=Role.RESIDENT, **values)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        refusal: str | None = f"refused_invalid|{fields}"
    else:
        refusal = await _why_not(account, password, component(request, Accounts), up)
    if refusal is None:
        return await _signed_in(request, account, "/me")
    error = said(refusal, language(request))
    return await render(request, "register.html", None, error=error, values=values, status_code=422)


async def _why_not(account: Account, password: str, accounts: Accounts, up: Services) -> str | None:
    """Stores the new account; None when it is, else why not (as `said` shows it)."""
    if len(password) < 8:
        return "refused_password_short"
    node = await up.organizations.find(f"/areas/{account.area_code}")
    if node is None or node["level"] not in ("community", "grid", "building"):
        return "refused_not_a_community"
    try:
        await accounts.create(account, password)
    except Conflict:
        return "refused_username_taken"
    return None
