"""The audit log: who did what, when and from where, kept so that nobody can change it unnoticed.

Each service keeps one, in its database's `audit` collection. Entries are only ever inserted:
no code path updates or deletes one, and no route does. Each carries the hash of the entry
before it, so an entry changed or removed afterwards breaks the chain from that point on
(`AuditLog.verify`). Two kinds of entry: every mutating request, with its actor, method, route
and status (the `AuditTrail` middleware, in every service), and what a service records itself
(the registry: every unmasked view and every change of people's personal data).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import jwt
from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError
from starlette.types import Scope

from contract.tracing import correlation_id
from runtime.actors import ALGORITHM, Actor
from runtime.mongo import DUPLICATE_KEY, Document

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # the "previous hash" of the first entry
APPEND_ATTEMPTS = 5


class AuditEntry(BaseModel):
    """One thing done, as the log keeps it."""

    seq: int
    at: datetime
    service: str
    action: str  # "request", or what the service recorded ("personal_data.viewed", ...)
    actor: str  # who, as one label to filter by: "organization:<id>", "api_key:<id>", "admin", "anonymous"
    actor_claims: dict[str, str]  # the actor as the request named it (an X-Actor's claims)
    method: str
    route: str
    status: int | None = None
    subjects: list[str] = []  # what it is about: "member:<id>", "organization:<id>", "import:<id>"
    fields: list[str] = []  # which personal data
    client: str | None = None  # the address the request came from
    forwarded_for: str | None = None  # the address a proxy in front said it came from
    correlation_id: str | None = None
    previous: str  # the hash of the entry before
    hash: str


def chain_hash(previous: str, body: Mapping[str, Any]) -> str:
    """The hash of an entry: of the one before and of everything the entry says."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(previous.encode() + b"\n" + text.encode()).hexdigest()


def _body(entry: AuditEntry) -> dict[str, Any]:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    body = entry.model_dump(exclude={"hash", "at"})
    return body | {"at": at.astimezone(UTC).isoformat(timespec="milliseconds")}


def _now() -> datetime:
    """To the millisecond, as the database keeps it, so the hash reads the same from a stored entry."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


# --- who and from where -----------------------------------------------------------------


def _described(actor: Actor) -> tuple[str, dict[str, str]]:
    claims = {k: str(v) for k, v in actor.model_dump(mode="json", exclude_none=True).items()}
    subject = actor.organization_id or actor.resident_id or actor.area_code
    return (f"{actor.kind.value}:{subject}" if subject else actor.kind.value), claims


def actor_of(scope: Scope, actor_secret: str, admin_token: str | None) -> tuple[str, dict[str, str]]:
    """The actor of a request, as a label and its claims: the one a route found (`request.state.
    actor`: the gateway's signed-in visitor), else a valid X-Actor token, then a partner key's id
    (never its secret), then an admin token. A token that does not verify is recorded as such:
    the answer's status says it was refused."""
    found = (scope.get("state") or {}).get("actor")
    if isinstance(found, Actor):
        return _described(found)
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope.get("headers", ())}
    if token := headers.get("x-actor"):
        try:
            claims = jwt.decode(token, actor_secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
            claims.pop("exp")
            return _described(Actor.model_validate(claims))
        except (jwt.InvalidTokenError, ValueError):
            return "invalid_actor", {}
    scheme, _, key = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key:
        parts = key.strip().split("_")
        key_id = parts[1][:64] if len(parts) >= 3 else "malformed"
        return f"api_key:{key_id}", {"key_id": key_id}
    if (sent := headers.get("x-admin-token")) is not None:
        right = admin_token is not None and hmac.compare_digest(sent.encode(), admin_token.encode())
        return ("admin", {}) if right else ("wrong_admin_token", {})
    return "anonymous", {}


def _origin(scope: Scope) -> dict[str, Any]:
    headers = dict(scope.get("headers", ()))
    client = scope.get("client")
    forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1").split(",")[0].strip()[:64]
    return {
        "method": scope.get("method", ""),
        "route": getattr(scope.get("route"), "path", "unmatched"),
        "client": client[0] if client else None,
        "forwarded_for": forwarded or None,
        "correlation_id": correlation_id.get(),
    }


# --- the log ----------------------------------------------------------------------------


class AuditLog:
    """A service's audit log. Appends are chained in one order: within a process, concurrent
    ones are written together (a group commit) by whoever holds the lock; across processes, the
    entry number is the document's `_id`, so a second writer of the same number is refused and
    chains on after the other's entries instead."""

    def __init__(
        self, collection: AsyncCollection[Document], service: str, *, actor_secret: str, admin_token: str | None
    ):
        self.collection = collection
        self.service = service
        self.actor_secret = actor_secret
        self.admin_token = admin_token
        self._lock = asyncio.Lock()
        self._pending: list[tuple[dict[str, Any], asyncio.Future[AuditEntry]]] = []
        self._head: tuple[int, str] | None = None  # the last entry's number and hash

    async def record(
        self,
        scope: Scope,
        action: str,
        *,
        status: int | None = None,
        subjects: Iterable[str] = (),
        fields: Iterable[str] = (),
    ) -> AuditEntry:
        """Appends what `scope`'s request did (or showed) and returns the entry once it is stored."""
        actor, claims = actor_of(scope, self.actor_secret, self.admin_token)
        draft = {
            "at": _now(),
            "service": self.service,
            "action": action,
            "actor": actor,
            "actor_claims": claims,
            "status": status,
            "subjects": list(subjects),
            "fields": list(fields),
            **_origin(scope),
        }
        return await self._append(draft)

    async def _append(self, draft: dict[str, Any]) -> AuditEntry:
        done: asyncio.Future[AuditEntry] = asyncio.get_running_loop().create_future()
        self._pending.append((draft, done))
        async with self._lock:
            if not done.done():  # nobody wrote it meanwhile: write everything waiting, this one too
                batch, self._pending = self._pending, []
                try:
                    entries = await self._write([d for d, _ in batch])
                except BaseException as exc:
                    self._head = None  # read it again: the write may have gone partly through
                    failure = exc if isinstance(exc, Exception) else RuntimeError("the audit write was cancelled")
                    for _, waiting in batch:
                        if waiting is not done:
                            waiting.set_exception(failure)
                    raise
                for (_, waiting), entry in zip(batch, entries, strict=True):
                    waiting.set_result(entry)
        return await done

    async def _write(self, drafts: Sequence[dict[str, Any]]) -> list[AuditEntry]:
        written: list[AuditEntry] = []
        for _ in range(APPEND_ATTEMPTS):
            if self._head is None:
                last = await self.collection.find_one({}, {"_id": 1, "hash": 1}, sort=[("_id", -1)])
                self._head = (last["_id"], last["hash"]) if last else (0, GENESIS)
            seq, previous = self._head
            entries = []
            for draft in drafts:
                seq += 1
                unsealed = AuditEntry.model_construct(seq=seq, previous=previous, hash="", **draft)
                previous = chain_hash(previous, _body(unsealed))
                entries.append(unsealed.model_copy(update={"hash": previous}))
            try:
                await self.collection.insert_many([_document(e) for e in entries], ordered=True)
            except BulkWriteError as exc:
                if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
                    raise
                stored = int(exc.details["nInserted"])  # another process took the next number: chain after it
                written += entries[:stored]
                drafts = drafts[stored:]
                self._head = None
                continue
            self._head = (seq, previous)
            return written + entries
        raise RuntimeError("the audit log is being appended to by others too fast to chain on")

    async def page(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        actor: str | None = None,
        route: str | None = None,
        action: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AuditEntry]:
        """The newest entries first, matching every filter given, older than entry `before`."""
        query: dict[str, Any] = {k: v for k, v in (("actor", actor), ("route", route), ("action", action)) if v}
        if since or until:
            query["at"] = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
        if before is not None:
            query["_id"] = {"$lt": before}
        cursor = self.collection.find(query).sort("_id", -1).limit(limit)
        return [_entry(doc) async for doc in cursor]

    async def verify(self) -> tuple[int, int | None]:
        """How many entries were checked, and the number of the first that is not what was
        written (changed, or following a removed one), or None when the chain holds."""
        previous, expected, checked = GENESIS, 1, 0
        async for doc in self.collection.find({}).sort("_id", 1).batch_size(5000):
            entry = _entry(doc)
            checked += 1
            if checked % 1000 == 0:
                await asyncio.sleep(0)  # a long log is checked without holding up the requests meanwhile
            if entry.seq != expected or entry.previous != previous or chain_hash(previous, _body(entry)) != entry.hash:
                return checked, expected
            previous, expected = entry.hash, expected + 1
        return checked, None


def _document(entry: AuditEntry) -> Document:
    return entry.model_dump(exclude={"seq"}) | {"_id": entry.seq}


def _entry(document: Document) -> AuditEntry:
    return AuditEntry.model_validate({**document, "seq": document["_id"]})


def audit_log(app: Any) -> AuditLog:
    """The app's audit log, made on first use from its database and settings."""
    kept: AuditLog | None = getattr(app.state, "audit", None)
    if kept is None:
        infra = app.state.infra
        token = getattr(infra.settings, "admin_token", None)  # the registry's operators' token
        kept = app.state.audit = AuditLog(
            infra.db["audit"],
            infra.settings.service_name,
            actor_secret=infra.settings.actor_secret,
            admin_token=token.get_secret_value() if token is not None else None,
        )
    return kept
