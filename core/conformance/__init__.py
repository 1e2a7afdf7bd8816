"""The conformance kit: what every city package proves about itself.

A city's tests include it with one class (see :mod:`core.conformance.suite`)::

    from core.conformance import CityConformance

    class TestConformance(CityConformance):
        config_path = Path(__file__).parent.parent / "zhaoshang_tianshui" / "config.toml"

Its broker fixture comes from the kit's pytest plugin (:mod:`core.conformance.fixtures`,
registered as the ``pytest11`` entry point ``zhaoshang_conformance``). The kit depends on the
core only: the broker runner and the province it needs are found through the
``zhaoshang.conformance`` entry points (:mod:`core.conformance.parts`). The checks of each
hook's contract are plain functions (:mod:`core.conformance.contracts`), usable on their own.
"""

from __future__ import annotations

from typing import Any

import pytest

# The checks are plain asserts: have pytest explain them like a test module's.
pytest.register_assert_rewrite("core.conformance.suite")

__all__ = ["CityConformance"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so loading the kit's pytest plugin (every pytest run where the
    # core is installed) does not import the core's models and services.
    if name == "CityConformance":
        from core.conformance.suite import CityConformance

        return CityConformance
    raise AttributeError(name)
