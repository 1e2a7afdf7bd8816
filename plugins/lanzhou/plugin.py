"""兰州市: hook implementations (the city's rules arrive with its own issue)."""

from __future__ import annotations

__all__: list[str] = []
