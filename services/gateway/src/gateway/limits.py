"""What the partner API protects itself with besides `Idempotency-Key` (`runtime.idempotency`):
a rate limit per key, a token bucket of `per_minute` tokens a minute up to `burst` saved; a
request with none left answers 429 with `Retry-After` (whole seconds until one is back)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from contract.errors import DomainError

KEYS_KEPT = 10_000  # buckets kept before the full ones are forgotten


class TooManyRequests(DomainError):
    status_code = 429
    code = "rate_limited"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.details["retry_after"])}


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, what: str = "requests of this API key") -> None:
        self.what = what  # what is counted, for the refusal
        self.rate = per_minute / 60
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted)
        self._forget_at = KEYS_KEPT

    def take(self, key_id: str) -> None:
        """Takes one token of the key's bucket, or raises TooManyRequests saying when to retry."""
        moment = time.monotonic()
        tokens, then = self._buckets.get(key_id, (float(self.burst), moment))
        tokens = min(float(self.burst), tokens + (moment - then) * self.rate)
        if tokens < 1:
            self._buckets[key_id] = (tokens, moment)
            wait = max(1, int((1 - tokens) / self.rate + 0.999))
            raise TooManyRequests(f"{self.what}: at most {self.rate * 60:g} a minute", retry_after=wait)
        self._buckets[key_id] = (tokens - 1, moment)
        if len(self._buckets) > self._forget_at:
            self._forget_full(moment)

    def give_back(self, key_id: str) -> None:
        """Returns the token `take` took (what it was taken for did not count)."""
        if (found := self._buckets.get(key_id)) is not None:
            self._buckets[key_id] = (min(float(self.burst), found[0] + 1), found[1])

    def _forget_full(self, moment: float) -> None:
        """Forgets buckets that have filled up again: a key not seen is a full bucket anyway,
        so keys made up by the thousand (random usernames) do not stay in memory."""
        self._buckets = {
            k: (tokens, then)
            for k, (tokens, then) in self._buckets.items()
            if tokens + (moment - then) * self.rate < self.burst
        }
        self._forget_at = max(KEYS_KEPT, 2 * len(self._buckets))  # not again at every take


@dataclass(frozen=True)
class Limits:
    """The gateway's rate limits, each for one kind of caller."""

    partner_calls: RateLimiter  # per API key
    key_guesses: RateLimiter  # refused API keys, per address
    sign_ins: RateLimiter  # attempts, per user name
    sign_in_addresses: RateLimiter  # failed attempts, per address
