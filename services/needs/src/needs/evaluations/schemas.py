"""What the rating routes answer: a rating without who gave it (a resident's rating is not
theirs to publish), its comment left out once an administrator hid it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.bodies.needs import EvaluationTag
from contract.events.needs import RatedKind
from needs.evaluations.models import Evaluation, EvaluationStatus


class EvaluationOut(BaseModel):
    id: str
    subject: RatedKind
    subject_id: str
    about: str
    title: str
    organization_id: str
    status: EvaluationStatus
    opens_at: datetime
    closes_at: datetime
    stars: int | None
    comment: str
    tags: list[EvaluationTag]
    given_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    hidden: bool
    hidden_reason: str | None
    version: int


def shown(evaluation: Evaluation) -> EvaluationOut:
    hidden = evaluation.hidden
    return EvaluationOut(
        **evaluation.model_dump(exclude={"rater", "hidden", "comment", "area_code"}),
        comment="" if hidden else evaluation.comment,
        hidden=hidden is not None,
        hidden_reason=hidden.reason if hidden else None,
    )
