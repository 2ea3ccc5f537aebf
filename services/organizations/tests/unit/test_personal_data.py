"""Sealing personal data: what is stored, what opens it, and which keys the settings accept."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from organizations.config import Settings
from organizations.personal_data import DEVELOPMENT_KEYS, PersonalData, new_key, parse_key_ring

ID_NUMBER = "11010519491231002X"
K1, K2 = f"k1:{new_key()}", f"k2:{new_key()}"


def _personal(keys: str) -> PersonalData:
    return PersonalData(parse_key_ring(keys), b"digest key")


class TestSealing:
    def test_a_sealed_value_holds_nothing_of_the_plain_one_and_opens_again(self) -> None:
        personal = _personal(K1)
        sealed = personal.seal(ID_NUMBER, "members/m1/id_number")
        assert sealed.startswith("pd1:k1:") and ID_NUMBER not in sealed and "19491231" not in sealed
        assert sealed != personal.seal(ID_NUMBER, "members/m1/id_number")  # a fresh nonce each time
        assert personal.open(sealed, "members/m1/id_number") == ID_NUMBER

    def test_a_value_moved_to_another_member_or_field_does_not_open(self) -> None:
        personal = _personal(K1)
        sealed = personal.seal("13812341234", "members/m1/phone")
        assert personal.open(sealed, "members/m2/phone") == sealed
        assert personal.open(sealed, "members/m1/id_number") == sealed

    def test_a_value_stored_before_sealing_reads_as_it_is(self) -> None:
        assert _personal(K1).open("13812341234", "members/m1/phone") == "13812341234"
        assert _personal(K1).seal("", "members/m1/id_number") == ""


class TestRotation:
    def test_the_first_key_seals_and_every_key_of_the_ring_opens(self) -> None:
        old = _personal(K1).seal(ID_NUMBER, "c")
        rotated = _personal(f"{K2},{K1}")
        assert rotated.open(old, "c") == ID_NUMBER
        assert not rotated.is_current(old)
        new = rotated.seal(rotated.open(old, "c"), "c")
        assert new.startswith("pd1:k2:") and rotated.is_current(new)
        assert _personal(K2).open(new, "c") == ID_NUMBER

    def test_a_value_no_key_opens_stays_sealed_so_a_write_keeps_it(self) -> None:
        old = _personal(K1).seal(ID_NUMBER, "c")
        without = _personal(K2)
        assert without.open(old, "c") == old
        assert without.seal(without.open(old, "c"), "c") == old


class TestSettings:
    @pytest.mark.parametrize(
        "ring",
        ["", "k1", "k1:short", "bad id!:" + new_key(), f"{K1},{K1}", "k1:%%%"],
    )
    def test_a_malformed_key_ring_is_refused_naming_the_setting(self, ring: str) -> None:
        with pytest.raises(ValidationError) as refused:
            Settings(personal_data_keys=ring, environment="development")
        assert "PERSONAL_DATA_KEYS" in str(refused.value)
        assert all(part not in str(refused.value) for part in ring.split(":")[1:] if len(part) > 8)  # nor the key

    def test_production_refuses_the_development_keys(self) -> None:
        production = {"environment": "production", "admin_token": "t" * 40, "actor_secret": "x" * 40}
        with pytest.raises(ValidationError, match="PERSONAL_DATA_KEYS"):
            Settings(**production, personal_data_keys=f"{K1},{DEVELOPMENT_KEYS}", personal_data_digest_key="d" * 32)
        with pytest.raises(ValidationError, match="PERSONAL_DATA_DIGEST_KEY"):
            Settings(**production, personal_data_keys=K1)
        assert Settings(**production, personal_data_keys=K1, personal_data_digest_key="d" * 32).personal_data()
