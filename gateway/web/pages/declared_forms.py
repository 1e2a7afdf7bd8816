"""The cities' declared forms (``WebForm`` of a ``WebPage``, core.policy), rendered generically on
the record's page and sent to the city's API: plugins ship no HTML.

A form is shown to its roles where its page is shown; what it sends is built from its fields
(dotted names become nested objects; ``choices`` a list; ``yes_no`` true/false; ``number`` a
whole number; amounts stay text so they stay exact) and its target's ``{placeholders}`` are
filled by the record's id and the fields of that name.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, g, request

from gateway.web.base import api, blueprint, check_city, done, plugin_pages
from gateway.web.menus import shown_on

PLACEHOLDER = re.compile(r"{([^}]*)}")
# The record's page a form is shown on: its endpoint and the id's name (core.policy WEB_PLACES).
RECORD_PAGES = {"project": ("web.project", "project_id"), "lead": ("web.lead", "lead_id")}


def forms_for(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's forms the signed-in person's role sees."""
    return [form for form in page.get("forms", []) if g.claims.role in form["roles"]]


def _declared_form(city: str, place: str, page_code: str, form_code: str) -> dict[str, Any]:
    for page in plugin_pages(city):
        if (page["code"] == page_code and shown_on(page, place)
                and g.claims.role in page.get("roles", ())):
            for form in forms_for(page):
                if form["code"] == form_code:
                    return form
    abort(404)


def _value(field: dict[str, Any], form: Any) -> Any:
    name, kind = field["name"], field["kind"]
    if kind == "choices":
        return [value for value in form.getlist(name) if value]
    text = (form.get(name) or "").strip()
    if not text:
        return None
    if kind == "yes_no":
        return text == "1"
    if kind == "number" and text.lstrip("-").isdigit():
        return int(text)
    return text


def form_request(form: dict[str, Any], ids: dict[str, int], values: Any) -> tuple[str, dict]:
    """The API path (placeholders filled) and the body a declared form sends."""
    in_path = set(PLACEHOLDER.findall(form["target"]))
    fills = {name: str(value) for name, value in ids.items()}
    body: dict[str, Any] = {}
    for field in form["fields"]:
        value = _value(field, values)
        if field["name"] in in_path:
            fills[field["name"]] = str(value or "")
            continue
        if value is None or value == []:
            continue  # left empty: not sent (the API says when it is required)
        *parents, leaf = field["name"].split(".")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    path = PLACEHOLDER.sub(lambda match: fills.get(match.group(1), ""), form["target"])
    return path, body


@blueprint.route("/c/<city>/<place>/<int:record_id>/forms/<page_code>/<form_code>",
                 methods=["POST"])
def submit_declared_form(city: str, place: str, record_id: int, page_code: str, form_code: str):
    check_city(city)
    if place not in RECORD_PAGES:
        abort(404)
    form = _declared_form(city, place, page_code, form_code)
    endpoint, key = RECORD_PAGES[place]
    path, body = form_request(form, {key: record_id}, request.form)
    answer = api().city(city, form["method"], path, body=body)
    return done(answer, f"{form['title'].removeprefix('登记')}已保存", endpoint,
                city=city, **{key: record_id})
