"""How Changsha's messages and reports write amounts and lists."""

from __future__ import annotations

from decimal import Decimal

YI = Decimal(10000)  # 1亿元 = 10000万元


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 100000.0000 → ``100000``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_text(amount: Decimal | None) -> str:
    """An amount in 万元 as a reader writes it: ``12.5亿元`` or ``3000万元``."""
    if amount is None:
        return "—"
    if amount >= YI:
        return f"{plain(amount / YI)}亿元"
    return f"{plain(amount)}万元"


def listing(items: list[str] | tuple[str, ...]) -> str:
    """Names joined with the Chinese enumeration comma, or ``无``."""
    return "、".join(items) if items else "无"
