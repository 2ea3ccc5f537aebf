"""The check-in codes an organiser shows as a QR code: each names what is attended (an activity
or a claim), the way (in or out) and the minute it was made in, signed with the service's key
(HMAC-SHA256). A code is good in its minute and the next one only, so a photo of it taken
earlier, or sent on to someone elsewhere, is of no use by the time it could be scanned."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from contract.events.points import AttendedKind, CheckinDirection

_KINDS = {AttendedKind.ACTIVITY: "a", AttendedKind.CLAIM: "c"}
_LETTERS = {letter: kind for kind, letter in _KINDS.items()}
_CODE = re.compile(r"^([ac])\.([0-9a-f]{32})\.(in|out)\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})$")
VALID_MINUTES = 2  # the minute a code is made in and the one after it


class BadCode(Exception):
    """A code that is no code of this platform: malformed, or its signature does not match."""


@dataclass(frozen=True)
class CheckinCode:
    kind: AttendedKind
    attended_id: str
    direction: CheckinDirection
    minute: int  # minutes since the epoch (UTC) when it was made

    @property
    def _signed_part(self) -> str:
        return f"{_KINDS[self.kind]}.{self.attended_id}.{self.direction.value}.{self.minute}"

    def valid_until(self) -> datetime:
        return datetime.fromtimestamp((self.minute + VALID_MINUTES) * 60, UTC)

    def is_current(self, at: datetime) -> bool:
        """Whether `at` falls in the code's minute or the next one."""
        return 0 <= minute_of(at) - self.minute < VALID_MINUTES


def minute_of(at: datetime) -> int:
    return int(at.timestamp()) // 60


def _signature(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make(key: bytes, kind: AttendedKind, attended_id: str, direction: CheckinDirection, at: datetime) -> str:
    """The code of `at`'s minute, as text to put in a URL."""
    code = CheckinCode(kind, attended_id, direction, minute_of(at))
    return f"{code._signed_part}.{_signature(key, code._signed_part)}"


def read(key: bytes, text: str) -> CheckinCode:
    """The code `text` is; BadCode when it is malformed or not signed with `key`. Whether it is
    still current is the caller's question (`CheckinCode.is_current`)."""
    found = _CODE.match(text)
    if found is None:
        raise BadCode("not a check-in code")
    letter, attended_id, direction, minute, signature = found.groups()
    code = CheckinCode(_LETTERS[letter], attended_id, CheckinDirection(direction), int(minute))
    if not hmac.compare_digest(signature, _signature(key, code._signed_part)):
        raise BadCode("the check-in code's signature does not match")
    return code
