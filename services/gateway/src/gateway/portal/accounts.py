"""People who sign in to the portal, and their sessions.

An account has one role scoped to one node: a resident of a community, a member or an
administrator of one organisation, or an administrator of a community, street, district or the
city. Passwords are kept as Argon2id hashes (memory-hard). A session is a random token in an
HttpOnly cookie; the database keeps only its SHA-256, with the account it is for, a CSRF token
and when it expires (`SESSION_MINUTES` after it was last renewed; renewed while in use).

Argon2id takes tens of milliseconds of CPU and 64 MiB by design: it runs in a pool of
`SIGN_IN_HASHERS` threads (argon2-cffi lets go of the interpreter while it hashes), never on the
event loop, so a burst of sign-ins waits its turn there while every other request is answered;
the pool's size bounds the memory and cores sign-ins may take. An unknown username is checked
against a hash of a random password, the same work as a wrong password, so the time taken
does not tell which names exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, Field
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from contract.errors import Conflict
from contract.ids import new_id
from contract.schemas import ID_PATTERN
from runtime.actors import Actor, ActorKind
from runtime.mongo import Document

HASHER = PasswordHasher()  # Argon2id, 64 MiB, 3 passes
USERNAME = r"^[A-Za-z0-9_.\-]{3,32}$"


class Role(StrEnum):
    RESIDENT = "resident"
    MEMBER = "member"  # an organisation's member: sees its dashboard, claims for it
    ORG_ADMIN = "org_admin"  # also posts its needs, shares its resources, decides its proposals
    AREA_ADMIN = "area_admin"  # a community, street, district or city administrator


class Account(BaseModel):
    id: str = Field(default_factory=new_id)
    username: str = Field(pattern=USERNAME)
    name: str = Field(min_length=1, max_length=50)
    role: Role
    area_code: str | None = Field(default=None, pattern=r"^[0-9]{6,17}$")  # a resident's home, an admin's node
    organization_id: str | None = Field(default=None, pattern=ID_PATTERN)
    member_id: str | None = None

    @property
    def actor(self) -> Actor:
        """Who the services are told is acting when this account does something."""
        if self.role is Role.RESIDENT:
            return Actor(kind=ActorKind.RESIDENT, resident_id=self.id, area_code=self.area_code)
        if self.role is Role.AREA_ADMIN:
            return Actor(kind=ActorKind.AREA_ADMIN, area_code=self.area_code)
        return Actor(kind=ActorKind.ORGANIZATION, organization_id=self.organization_id, member_id=self.member_id)

    @property
    def for_organization(self) -> bool:
        return self.role in (Role.MEMBER, Role.ORG_ADMIN)


class Session(BaseModel):
    account: Account
    csrf: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, db: AsyncDatabase[Document], session_minutes: float, hashers: int = 2) -> None:
        self.accounts = db["accounts"]
        self.sessions = db["sessions"]
        self.lifetime = timedelta(minutes=session_minutes)
        self._hashers = ThreadPoolExecutor(max_workers=hashers, thread_name_prefix="argon2")
        self._nobody: str | None = None  # the hash an unknown username is checked against

    async def start(self) -> None:
        await self.accounts.create_index("username", unique=True)
        await self.sessions.create_index("expires_at")

    def close(self) -> None:
        self._hashers.shutdown(wait=False, cancel_futures=True)

    async def _hashing(self, work: Callable[..., object], *args: str) -> object:
        return await asyncio.get_running_loop().run_in_executor(self._hashers, work, *args)

    async def _hash(self, password: str) -> str:
        return str(await self._hashing(HASHER.hash, password))

    async def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return bool(await self._hashing(HASHER.verify, password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    async def create(self, account: Account, password: str) -> Account:
        """Stores a new account; Conflict when the username is taken."""
        password_hash = await self._hash(password)
        document = {"_id": account.id, **account.model_dump(exclude={"id"}), "password_hash": password_hash}
        try:
            await self.accounts.insert_one(document)
        except DuplicateKeyError:
            raise Conflict("this username is taken", username=account.username) from None
        return account

    async def ensure(self, account: Account, password: str) -> Account:
        """The account of that username, made when there is none (demo and operations)."""
        found = await self.accounts.find_one({"username": account.username})
        if found is not None:
            return _account(found)
        return await self.create(account, password)

    async def resident(self, username: str) -> Account | None:
        """The resident's account of that username; None when there is no such resident."""
        found = await self.accounts.find_one({"username": username, "role": Role.RESIDENT.value})
        return None if found is None else _account(found)

    async def check(self, username: str, password: str) -> Account | None:
        """The account when the password is its own, else None (the same for an unknown name)."""
        found = await self.accounts.find_one({"username": username})
        if found is None:
            if self._nobody is None:
                self._nobody = await self._hash(secrets.token_urlsafe(32))
            await self._matches(self._nobody, password)  # as slow as a wrong password
            return None
        if not await self._matches(found["password_hash"], password):
            return None
        if HASHER.check_needs_rehash(found["password_hash"]):
            update = {"$set": {"password_hash": await self._hash(password)}}
            await self.accounts.update_one({"_id": found["_id"]}, update)
        return _account(found)

    async def open_session(self, account: Account) -> tuple[str, Session]:
        """A new session for the account: (the cookie's token, the session)."""
        token = secrets.token_urlsafe(32)
        session = Session(account=account, csrf=secrets.token_urlsafe(32), expires_at=self._expiry())
        await self.sessions.insert_one({"_id": _digest(token), **session.model_dump()})
        return token, session

    async def session(self, token: str, *, renew: bool = True) -> Session | None:
        """The live session of a cookie's token, renewed when half its life has gone (unless
        `renew` is false: a page asking in the background is no sign the person is there)."""
        found = await self.sessions.find_one({"_id": _digest(token)})
        if found is None:
            return None
        session = Session.model_validate(found)
        moment = datetime.now(UTC)
        if session.expires_at <= moment:
            return None
        if renew and session.expires_at - moment < self.lifetime / 2:
            session.expires_at = self._expiry()
            await self.sessions.update_one({"_id": found["_id"]}, {"$set": {"expires_at": session.expires_at}})
        return session

    async def close_session(self, token: str) -> None:
        await self.sessions.delete_one({"_id": _digest(token)})

    async def sweep(self) -> int:
        """Forgets expired sessions."""
        result = await self.sessions.delete_many({"expires_at": {"$lte": datetime.now(UTC)}})
        return result.deleted_count

    def _expiry(self) -> datetime:
        return datetime.now(UTC) + self.lifetime


def _account(document: Document) -> Account:
    return Account.model_validate({**document, "id": document["_id"]})
