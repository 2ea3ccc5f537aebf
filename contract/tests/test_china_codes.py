"""Check characters of the codes the registry validates."""

from __future__ import annotations

import pytest

from contract.china_codes import credit_code_problem, id_number_problem, mask_id_number, mask_phone


class TestCreditCode:
    @pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
    def test_real_codes_pass(self, code: str) -> None:
        assert credit_code_problem(code) is None

    @pytest.mark.parametrize(
        ("code", "words"),
        [
            ("91350100M000100Y44", "check character"),
            ("91350100M000100Y4", "18 characters"),
            ("91350100M000100YI3", "not used"),
            ("91ABCDEFM000100Y43", "division"),
        ],
    )
    def test_wrong_codes_say_why(self, code: str, words: str) -> None:
        assert words in (credit_code_problem(code) or "")


class TestIdNumber:
    def test_a_valid_number_passes_and_a_wrong_check_character_does_not(self) -> None:
        assert id_number_problem("11010519491231002X") is None
        assert "check character" in (id_number_problem("110105194912310021") or "")


def test_masks_keep_enough_to_recognise_and_not_to_use() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("11010519491231002X") == "110***********002X"
