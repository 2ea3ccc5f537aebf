"""The earning rules in the portal: anyone reads the rules in force (their version, who made
them and when); a city's administrator changes them with a form, sent on to the points service,
whose refusal (a value out of range, named) is shown. The form is made of the rules as the
service answers them, so a rule the service learns is on the form without a change here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict

from contract.taxonomy import Category
from gateway.portal.i18n import WORDS, translate
from gateway.portal.web import Posted, ServicesDep, SignedIn, Visitor, language, render

router = APIRouter(include_in_schema=False)

KEPT = ("version", "made_at", "made_by")  # what the service says of a version, not a rule
MULTIPLIERS = "category_multipliers"


class RuleChange(BaseModel):
    """The rules as the form sends them: the points service checks every value."""

    model_config = ConfigDict(extra="allow")


def terms_of(rules: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rules.items() if k not in KEPT}


def _value(given: str, current: object) -> object:
    """A form's text as the kind of value the rule holds; as written when it is not one, for the
    service to refuse naming the rule."""
    try:
        if isinstance(current, bool):
            return given in ("on", "true", "1")
        if isinstance(current, int):
            return int(given)
        if isinstance(current, float):
            return float(given)
    except ValueError:
        return given
    return given


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(request: Request, visitor: Visitor, up: ServicesDep) -> HTMLResponse:
    """The rules in force; the form to change them for a city's administrator."""
    rules = await up.get(up.points, "/rules")
    may_change = visitor is not None and visitor.account.actor.runs_a_city
    terms = terms_of(rules)
    scalars = {k: v for k, v in terms.items() if isinstance(v, int | float | bool)}
    multipliers = terms.get(MULTIPLIERS, {})
    lang = language(request)
    return await render(
        request,
        "rules.html",
        visitor,
        rules=rules,
        scalars=scalars,
        multipliers=multipliers,
        may_change=may_change,
        category_values=[c.value for c in Category],
        rule_label=lambda key: translate(f"rule_{key}", lang) if f"rule_{key}" in WORDS else key,
    )


@router.post("/rules")
async def change_rules(request: Request, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Sends the form's rules to the points service (which lets a city's administrator alone
    change them), then the page again with what it said."""
    terms = terms_of(await up.get(up.points, "/rules"))
    changed: dict[str, Any] = {}
    for key, current in terms.items():
        if key == MULTIPLIERS:
            given = {c.value: str(form.get(f"multiplier_{c.value}", "")).strip() for c in Category}
            changed[key] = {c: _value(v, 1.0) for c, v in given.items() if v}
        elif isinstance(current, bool):
            changed[key] = form.get(key) is not None
        elif key in form:
            changed[key] = _value(str(form.get(key, "")).strip(), current)
        else:
            changed[key] = current
    return await up.act(up.points, "/rules", "/rules", RuleChange, changed, method="PUT")
