"""Rules of a tranche of arrived funds (到位资金) that need no database: evidence and ratios.

- An evidence reference (凭证编号: a bank receipt number …) is compared in its normalised
  form (:func:`evidence_key`): surrounding blanks stripped, inner whitespace collapsed to one
  space, ASCII letters case-folded. ``YH 001`` and ``yh  001`` are the same reference.
- A placeholder is not evidence (:func:`evidence_problem`): ``--``, ``无``, ``n/a``, ``test``
  …, punctuation only, or fewer than :data:`MIN_EVIDENCE_CHARACTERS` letters and digits.
- :func:`over_agreement_ratio` is the project's arrived total over the amount it agreed to.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

MIN_EVIDENCE_CHARACTERS = 4
# Normalised (evidence_key) values that say "no evidence" rather than give one.
PLACEHOLDERS = frozenset({"--", "-", "/", "无", "暂无", "n/a", "na", "none", "null", "test",
                          "没有", "待补", "待定", "不详", "xxx", "tbd"})
RATIO_PLACES = Decimal("0.0001")


def evidence_key(reference: str) -> str:
    """The reference as compared for uniqueness: stripped, whitespace collapsed, ASCII folded.

    Keep in step with the frozen copy in migration 0008.
    """
    collapsed = re.sub(r"\s+", " ", reference.strip())
    return "".join(c.lower() if c.isascii() else c for c in collapsed)


def _meaningful(key: str) -> int:
    """Letters and digits (any script): what is left once punctuation and blanks are gone."""
    return sum(1 for c in key if unicodedata.category(c)[0] in ("L", "N"))


def evidence_problem(reference: str) -> str | None:
    """Why ``reference`` is no evidence (a Chinese message), or ``None`` when it may be one."""
    key = evidence_key(reference)
    if key in PLACEHOLDERS:
        return f"“{reference.strip()}”不是凭证编号，请填写银行回单号等可查证的凭证编号"
    if _meaningful(key) == 0:
        return "凭证编号不能只有标点或空白，请填写银行回单号等可查证的凭证编号"
    if _meaningful(key) < MIN_EVIDENCE_CHARACTERS:
        return f"凭证编号过短（至少 {MIN_EVIDENCE_CHARACTERS} 个字母或数字），请填写完整的凭证编号"
    return None


def over_agreement_ratio(arrived: Decimal, base: Decimal | None) -> Decimal | None:
    """``arrived`` over ``base`` (4 places), or ``None`` when there is no base to compare with."""
    if not base:
        return None
    return (arrived / base).quantize(RATIO_PLACES, ROUND_HALF_UP)


def percent(ratio: Decimal) -> str:
    """A ratio as a clerk reads it: ``Decimal("18.2")`` → ``"1820%"``."""
    return f"{(ratio * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"
