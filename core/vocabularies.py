"""Open vocabularies: the core's default codes and Chinese labels, plus the city's own.

Where cities differ in a list of codes — how a lead was attracted (招商方式), what a matter
asks for — the core holds the defaults and a city adds its own (or relabels one) in its
deployment file::

    [vocabularies.lead_channels]
    online = "网络招商"

The API validates the codes against the city's vocabulary (:class:`InVocabulary`), answers
each code with its label (``channel_label``) and serves the whole of it at
``GET /api/v1/labels``, which the gateway's web reads instead of importing the core's lists.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError

from core.models.leads import LEAD_CHANNELS
from core.models.matters import MATTER_KINDS
from core.problems import CodedMessage

# name → (the core's defaults, the longest code the column holds)
DEFAULTS: dict[str, tuple[dict[str, str], int]] = {
    "lead_channels": (LEAD_CHANNELS, 32),
    "matter_kinds": (MATTER_KINDS, 16),
}
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def configuration_problems(configured: dict[str, Any]) -> list[str]:
    """What is wrong with a deployment's ``[vocabularies]`` table (messages in Chinese)."""
    problems = []
    for name, entries in configured.items():
        if name not in DEFAULTS:
            problems.append(f"未知的代码表 {name}（可扩展：{', '.join(DEFAULTS)}）")
            continue
        if not isinstance(entries, dict):
            problems.append(f"代码表 {name} 应为“代码 = 中文名称”的表")
            continue
        longest = DEFAULTS[name][1]
        for code, label in entries.items():
            if not CODE.match(code) or len(code) > longest:
                problems.append(f"代码表 {name} 的代码 {code!r} 应为小写字母开头的字母、数字、"
                                f"下划线，至多 {longest} 个字符")
            if not isinstance(label, str) or not label.strip() or len(label) > 50:
                problems.append(f"代码表 {name} 的 {code} 应有 1–50 字的中文名称")
    return problems


def merged(configured: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every vocabulary: the core's defaults, then the city's entries (new codes, relabels)."""
    return {name: {**defaults, **configured.get(name, {})}
            for name, (defaults, _) in DEFAULTS.items()}


class InVocabulary:
    """A field validator: the value is a code of the running city's vocabulary ``name``.

    Looked up when a request is validated, so a schema built once per process still checks
    each city's own list.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: Any) -> Any:
        from core.api.support import city

        codes = city().vocabulary(self.name)
        if value not in codes:
            choices = "、".join(f"{code}（{label}）" for code, label in codes.items())
            raise ValidationError(CodedMessage("vocabulary.unknown", f"应为以下取值之一：{choices}"))
        return value


def label_of(name: str, code: str | None) -> str | None:
    """The running city's label of ``code`` in vocabulary ``name`` (the code if unknown)."""
    if code is None:
        return None
    from core.api.support import city

    return city().vocabulary(name).get(code, code)
