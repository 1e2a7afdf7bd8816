"""Changsha's demo: the rules at work."""

from __future__ import annotations

from typing import Any


def load(city: Any, session: Any, demo: Any) -> None:
    """Placeholder until the demo is written."""
