"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters from ``0-9`` and the capital letters except I, O, Z, S, V:

====== =====================================================================
1      registration authority (登记管理部门代码): 9 市场监管/工商, 5 民政, 1 机构编制, …
2      entity category within that authority (机构类别代码)
3–8    administrative division of the registering office (行政区划码, six digits)
9–17   the subject identifier, an organisation code (组织机构代码, GB 11714) whose
       ninth character (position 17) is its own check digit
18     check character over positions 1–17
====== =====================================================================

The category (position 2) is not checked against its authority: the allocation keeps growing
and a valid code must never be refused; the check characters catch typing errors.
"""

from __future__ import annotations

import unicodedata
from typing import Any

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: Registration authorities allocated so far: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政,
#: 6 旅游, 7 宗教, 8 工会, 9 市场监管（工商）, A 中央军委改革和编制办公室, N 农业, Y 其他.
REGISTRY_CODES = frozenset("123456789ANY")


class CreditCodeError(ValueError):
    """An invalid credit code: ``code`` is a stable machine code, ``message`` is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_character(prefix17: str) -> str:
    """The GB 32100 check character for the first 17 characters (already valid charset)."""
    total = sum(_VALUE[c] * w for c, w in zip(prefix17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def organisation_check_character(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters."""
    # GB 11714 values letters over the whole alphabet (A=10 … Z=35), unlike GB 32100.
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _normalise(code: str) -> str:
    # NFKC turns full-width input (９１３５…) into ASCII before anything else is judged.
    return unicodedata.normalize("NFKC", code).strip().upper()


def _check_fields(code: str) -> None:
    """Charset of every character, then authority, division and organisation code of the
    first 17 (``code`` is a full code or a 17-character prefix)."""
    for position, c in enumerate(code, start=1):
        if c not in _VALUE:
            raise CreditCodeError(
                "credit_code.charset",
                f"统一社会信用代码第{position}位“{c}”不是有效字符"
                "（只能是数字和除 I、O、Z、S、V 以外的大写字母）",
            )
    if code[0] not in REGISTRY_CODES:
        raise CreditCodeError(
            "credit_code.registry", f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效"
        )
    if not code[2:8].isdigit():
        raise CreditCodeError("credit_code.region", "统一社会信用代码第3–8位行政区划码应为6位数字")
    org_check = organisation_check_character(code[8:16])
    if code[16] != org_check:
        raise CreditCodeError(
            "credit_code.org_check_digit",
            f"统一社会信用代码第9–17位组织机构代码校验位错误：第17位应为 {org_check}",
        )


def validate_credit_code(code: str) -> str:
    """Return ``code`` normalised (NFKC, stripped, upper-cased) if it is a valid credit code.

    Raises :class:`CreditCodeError` with one of the codes ``credit_code.empty``,
    ``credit_code.length``, ``credit_code.charset``, ``credit_code.registry``,
    ``credit_code.region``, ``credit_code.org_check_digit``, ``credit_code.check_digit``.
    """
    if not isinstance(code, str):
        raise TypeError(f"credit code must be a str, not {type(code).__name__}")
    code = _normalise(code)
    if not code:
        raise CreditCodeError("credit_code.empty", "统一社会信用代码不能为空")
    if len(code) != 18:
        raise CreditCodeError(
            "credit_code.length", f"统一社会信用代码应为18位，实际为{len(code)}位"
        )
    _check_fields(code)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            "credit_code.check_digit", f"统一社会信用代码校验位错误：应为 {expected}"
        )
    return code


def is_valid_credit_code(code: Any) -> bool:
    """Whether ``code`` is a valid credit code; never raises (non-strings are invalid)."""
    try:
        validate_credit_code(code)
    except (CreditCodeError, TypeError):
        return False
    return True


def division_code(code: Any) -> str | None:
    """The administrative division (positions 3–8, GB/T 2260) of a valid credit code, else
    ``None``; :func:`core.divisions.province_of_code` gives its province."""
    try:
        return validate_credit_code(code)[2:8]
    except (CreditCodeError, TypeError):
        return None


def make_credit_code(prefix17: str) -> str:
    """Complete the first 17 characters with the check character (e.g. for demo data).

    The prefix is held to the same rules as a full code, so the result always validates; use
    :func:`organisation_check_character` to build positions 9–17.
    """
    prefix = _normalise(prefix17)
    if len(prefix) != 17:
        raise CreditCodeError(
            "credit_code.length", f"统一社会信用代码前17位应为17个字符，实际为{len(prefix)}个"
        )
    _check_fields(prefix)
    return prefix + check_character(prefix)


__all__ = [
    "CHARSET",
    "REGISTRY_CODES",
    "CreditCodeError",
    "check_character",
    "division_code",
    "is_valid_credit_code",
    "make_credit_code",
    "organisation_check_character",
    "validate_credit_code",
]
