"""What every event is: a CloudEvents 1.0 envelope (structured mode: the whole envelope is the
Kafka message's JSON value) whose `data` is a pydantic model. `type` is the discriminator;
`subject` is the aggregate's id and the Kafka key, so one aggregate's events keep their order."""

from __future__ import annotations

import os
import random
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from contract.aggregates import now
from contract.tracing import correlation_id


def _now() -> datetime:
    return now()


# Event ids: 128 random bits from a generator seeded by the OS (an OS call per id costs more
# than making the event itself), seeded again in a forked child so no two processes share it.
_ids = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(32)))


def new_event_id() -> str:
    return f"{_ids.getrandbits(128):032x}"


class Envelope(BaseModel):
    """The CloudEvents attributes every message carries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id)
    source: str
    type: str
    time: datetime = Field(default_factory=_now)
    subject: str
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = Field(default_factory=lambda: correlation_id.get())


class Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


E = TypeVar("E", bound=Envelope)


def construct(event_type: type[E], *, source: str, subject: str, data: Data, time: datetime | None = None) -> E:
    """An event made of values validated already, without validating them again: for bulk
    paths (an import makes hundreds of thousands). Every field is given, so no default runs;
    `time`: when it happened, if not now (an imported past)."""
    event = event_type.model_construct(
        specversion="1.0",
        id=new_event_id(),
        source=source,
        type=event_type.model_fields["type"].default,
        time=time or _now(),
        subject=subject,
        datacontenttype="application/json",
        correlationid=correlation_id.get(),
        data=data,  # type: ignore[call-arg]  # the subclasses have `data`
    )
    return event  # type: ignore[return-value]  # model_construct returns the class it is called on


D = TypeVar("D", bound=Data)


def data_of(data_type: type[D], source: BaseModel, **fields: object) -> D:
    """Event data made of the fields `source` (an aggregate) shares with it by name, and of
    `fields` (the aggregate's id under the event's name for it, say)."""
    shared = source.model_dump(mode="json", include=set(data_type.model_fields) - set(fields))
    return data_type.model_validate({**shared, **fields})


def constructed_of(data_type: type[D], source: BaseModel, **fields: Any) -> D:
    """`data_of` for bulk paths (see `construct`): the same data, made of values validated
    already, neither dumped nor validated again."""
    values: dict[str, Any] = {
        name: getattr(source, name)
        for name in data_type.model_fields.keys() - fields.keys()
        if name in type(source).model_fields
    }
    return data_type.model_construct(**values, **fields)  # type: ignore[return-value]  # the class it is called on
