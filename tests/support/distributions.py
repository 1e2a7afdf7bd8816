"""A city plugin's distribution metadata written by hand, as ``pip install`` would leave it."""

from __future__ import annotations

from pathlib import Path


def write_city_distribution(site: Path, name: str, module: str) -> None:
    """``name`` 0.1 installed on ``site`` (a directory on the module search path), its
    ``zhaoshang.cities`` entry point naming ``module``."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[zhaoshang.cities]\n{name} = {module}\n",
                                           encoding="utf-8")
