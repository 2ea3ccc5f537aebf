"""The earning rules' routes: read by anyone, replaced by a city's administrator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from points.rules.models import RuleSet, RuleTerms
from points.rules.service import Rules
from runtime.actors import ActorDep
from runtime.app import provided

router = APIRouter(tags=["rules"])

RulesDep = Annotated[Rules, Depends(provided(Rules))]


@router.get("/rules", response_model=RuleSet)
async def current(rules: RulesDep) -> RuleSet:
    """The earning rules in force, with their version; public."""
    return rules.current


@router.put("/rules", response_model=RuleSet)
async def replace(terms: RuleTerms, rules: RulesDep, actor: ActorDep) -> RuleSet:
    """A city's administrator replaces the rules: a new version, used from the next movement on
    (422 naming the field that is not valid, before anything is written)."""
    return await rules.replace(terms, actor)
