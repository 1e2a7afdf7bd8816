"""The event catalogue of a set of city plugins: the core's types plus what each plugin
declares through its ``event_types`` hook (assembled by :func:`core.event_catalogue.assemble`).

A city writes with the catalogue of its enabled plugins (``City.event_catalogue``); the
province reads with every installed plugin's (:func:`installed_catalogue`), loaded from the
``zhaoshang.cities`` entry points without any city's deployment file.
"""

from __future__ import annotations

from functools import cache

import pluggy

from core import PROJECT_NAME, hookspecs
from core.event_catalogue import EventType, aliases, assemble
from core.plugins import installed_plugins

# The suite's own city plugins live in this package; the documentation shows theirs.
SUITE_PACKAGE = "plugins."


def catalogue_of(pm: pluggy.PluginManager) -> dict[str, EventType]:
    """The core's types plus those of every plugin registered with ``pm``, each checked
    against the name it is registered under (:class:`core.event_catalogue.CatalogueError`)."""
    return assemble((impl.plugin_name, impl.function() or [])
                    for impl in reversed(pm.hook.event_types.get_hookimpls()))


def _catalogue_of_entry_points(suite_only: bool) -> dict[str, EventType]:
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name, entry_point in sorted(installed_plugins().items()):
        if not suite_only or entry_point.value.startswith(SUITE_PACKAGE):
            pm.register(entry_point.load(), name=name)
    return catalogue_of(pm)


@cache
def installed_catalogue() -> dict[str, EventType]:
    """The core's types plus every installed city plugin's (what the province accepts).
    Read once per process, like a city's plugins: a plugin installed later needs a restart."""
    return _catalogue_of_entry_points(suite_only=False)


@cache
def suite_catalogue() -> dict[str, EventType]:
    """The core's types plus the suite's own city plugins' (``docs/events.md``)."""
    return _catalogue_of_entry_points(suite_only=True)


@cache
def installed_aliases() -> dict[str, str]:
    """Former name → current name of every renamed type of :func:`installed_catalogue`."""
    return aliases(installed_catalogue())
