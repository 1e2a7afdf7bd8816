"""A small TOML writer for the configuration files tests, benchmarks and the conformance kit
hand to commands.

Enough for deployment files: tables of scalars and lists, nested tables, and arrays of
tables (``[[units]]``). ``None`` values are left out (TOML has no null).
"""

from __future__ import annotations

import json
from typing import Any


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _table(name: str, table: dict[str, Any], header: str) -> list[str]:
    lines = [header] if header else []
    nested = []
    for key, value in table.items():
        if value is None:
            continue
        tables = isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
        if isinstance(value, dict) or tables:
            nested.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, value in nested:
        path = f"{name}.{key}" if name else key
        if isinstance(value, dict):
            lines += ["", *_table(path, value, f"[{path}]")]
        else:
            for item in value:
                lines += ["", *_table(path, item, f"[[{path}]]")]
    return lines


def toml_text(document: dict[str, Any]) -> str:
    """``document`` as TOML text."""
    return "\n".join(_table("", document, "")).lstrip("\n") + "\n"
