"""URL rules whose builders are compiled the first time they build a URL.

werkzeug compiles two Python functions for every rule as the rule joins an app's map: the
builders behind ``url_for``, made by writing the rule's parts out as a syntax tree and
compiling it. For the city's hundred API rules that was 35–40 ms of the 55–70 ms an app took to
create — at every start of every service and for every test's app — while the API's answers
build no URL at all, and the gateway's pages build a few. :class:`LazilyBuiltRule` compiles the
same builder on the rule's first build and keeps it; matching is unchanged.

It replaces werkzeug's ``Rule._compile_builder`` (not a public interface): should werkzeug stop
calling it, rules are simply built eagerly again, and ``tests/test_url_rules.py`` builds every
rule of every app against werkzeug's own rules, so a change of its meaning shows there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import Rule


class LazilyBuiltRule(Rule):
    """A werkzeug ``Rule`` whose URL builders are compiled on first use."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, **values: Any) -> tuple[str, str]:
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, compiled)  # two threads racing here compile the same
            return compiled(**values)

        return build_first


def build_rules_lazily(app: Flask) -> None:
    """Every rule added to ``app`` from now on compiles its builders on first use."""
    app.url_rule_class = LazilyBuiltRule
