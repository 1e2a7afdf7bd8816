"""平凉市: hook implementations (the city's rules arrive with its own issue)."""

from __future__ import annotations

from typing import Any

from core.toolkit import hookimpl
from plugins.pingliang import demo as pingliang_demo


@hookimpl
def demo_data(city: Any, session: Any, demo: Any) -> None:
    """The Jan–May 2023 out-of-province figures of the seed, and last year's base."""
    pingliang_demo.load_2022_figures(demo)
    pingliang_demo.load_2023_figures(demo)
