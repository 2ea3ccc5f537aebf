"""Check characters of China's identifier codes, for validating them and for making valid ones."""

from __future__ import annotations

import operator

# GB 32100-2015: the unified social credit code (统一社会信用代码), 18 characters.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999: the resident identity number (居民身份证号码), ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECKS = "10X98765432"


def credit_code_check(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return "a unified social credit code has 18 characters"
    if bad := sorted({c for c in code if c not in CREDIT_CODE_ALPHABET}):
        return f"characters not used in unified social credit codes: {''.join(bad)}"
    if not code[2:8].isdigit():
        return "characters 3 to 8 must be the administrative division code"
    if credit_code_check(code[:17]) != code[17]:
        return "the check character does not match (GB 32100-2015)"
    return None


def id_number_check(first17: str) -> str:
    return _ID_CHECKS[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def id_number_problem(number: str) -> str | None:
    """Why `number` is not a valid 18-digit resident identity number, or None when it is."""
    if len(number) != 18 or not number[:17].isdigit():
        return "a resident identity number has 17 digits and a check character"
    if id_number_check(number[:17]) != number[17].upper():
        return "the check character does not match (GB 11643-1999)"
    return None


def mask_phone(phone: str) -> str:
    """`138****1234`: enough to recognise one's own number, not to call it."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_id_number(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "****"
