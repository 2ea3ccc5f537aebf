"""A certificate's verification code: it reads back as what was certified, and any change to
what it says, or a code made with another key, is refused."""

from __future__ import annotations

from datetime import date

import pytest

from points.records.models import Certified, InvalidCertificate, _b64, _mac, sign, verify

KEY = b"a key of the tests, long enough to sign with"
CERTIFIED = Certified.model_validate(
    {
        "a": "member:abc",
        "n": "王志愿",
        "f": date(2026, 1, 1),
        "t": date(2026, 12, 31),
        "m": 300,
        "s": 2,
        "i": date(2026, 12, 5),
    }
)


class TestAVerificationCode:
    def test_reads_back_as_what_it_certifies(self) -> None:
        assert verify(sign(CERTIFIED, KEY), KEY) == CERTIFIED

    def test_made_with_another_key_is_refused(self) -> None:
        with pytest.raises(InvalidCertificate):
            verify(sign(CERTIFIED, b"another key, someone else's"), KEY)

    @pytest.mark.parametrize("change", [{"m": 3000}, {"n": "李冒名"}, {"t": date(2027, 12, 31)}, {"a": "member:xyz"}])
    def test_changed_in_any_of_what_it_says_is_refused(self, change: dict[str, object]) -> None:
        payload = sign(CERTIFIED, KEY).split(".")[0]
        other = sign(Certified.model_validate({**CERTIFIED.model_dump(by_alias=True), **change}), KEY)
        with pytest.raises(InvalidCertificate):
            verify(other.split(".")[0] + "." + sign(CERTIFIED, KEY).split(".")[1], KEY)
        assert other.split(".")[0] != payload

    def test_signed_but_unreadable_is_refused_too(self) -> None:
        payload = _b64(b"not json")
        with pytest.raises(InvalidCertificate):
            verify(f"{payload}.{_mac(payload, KEY)}", KEY)
