"""The web blueprint and what every page shares: the signed-in person, their API client, the
menu of their role and city, refusals shown in Chinese, and redirects after a change."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RateLimitExceeded

from gateway.runtime import gateway
from gateway.web import formatting, menus, refill
from gateway.web.client import IDEMPOTENCY_FIELD, IF_MATCH_FIELD, Answer, ApiClient
from gateway.web.session import CSRF_FIELD, csrf_ok, csrf_token

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")
PUBLIC_ENDPOINTS = {"web.login", "web.static"}
PROBLEM = "problem"  # flash category of a refusal carried over a redirect


@blueprint.before_request
def _require_sign_in() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.get("claims") is None:
        if g.get("auth_problem") is not None:
            flash(g.auth_problem.detail, "notice")
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")), 303)
    if request.method == "POST" and not csrf_ok(request.form.get(CSRF_FIELD)):
        abort(400, "表单已过期，请刷新页面后重试")
    return None


def api() -> ApiClient:
    if "api_client" not in g:
        g.api_client = ApiClient(g.claims, g.get("request_id"))
    return g.api_client


def city_names() -> dict[str, str]:
    return {code: target.name for code, target in gateway().settings.cities.items()}


def today() -> dt.date:
    """The gateway's day (``[gateway] timezone``, core.clock): the pages' default dates."""
    return gateway().settings.clock.today()


def check_city(city: str) -> str:
    if city not in gateway().settings.cities:
        abort(404)
    return city


def plugin_pages(city: str) -> list[dict[str, Any]]:
    """The city's own pages (the ``web_pages`` hook) for the menu; none while it is away."""
    if "plugin_pages" not in g:
        g.plugin_pages = {}
    if city not in g.plugin_pages:
        answer = api().city(city, "GET", "web-pages")
        g.plugin_pages[city] = answer.body if answer.ok and isinstance(answer.body, list) else []
    return g.plugin_pages[city]


def render(template: str, status: int = 200, city: str | None = None, **context: Any
           ) -> tuple[str, int]:
    """A page with the person's menu: their city's pages and, for the province, its own."""
    claims = g.claims
    names = city_names()
    role = claims.role
    menu = menus.city_menu(role, city, plugin_pages(city)) if city else []
    problems = [json.loads(text) for text in get_flashed_messages(category_filter=[PROBLEM])]
    notices = get_flashed_messages(category_filter=["notice"])
    from gateway.web.pages.todos import todo_count  # the pages import this module

    html = render_template(
        template, city=city, city_name=names.get(city or "", ""), cities=names,
        todo_count=todo_count(city),
        menu=menu, province_menu=menus.province_menu(role), user=claims,
        role_label=menus.ROLE_LABELS.get(role, role), may=api().may, notices=notices,
        flashed_problems=problems, **context)
    for problem in problems:
        html = refill.refill(html, problem)
    return html, status


def refused(answer: Answer) -> None:
    """Carry a refusal (title, detail, field errors, refusals) to the next page."""
    problem = answer.problem or {}
    kept = {key: problem.get(key) for key in ("title", "detail", "status", "code", "errors",
                                              "refusals") if problem.get(key) is not None}
    if request.method == "POST":
        # The next page shows the form again as it was sent, its refused fields marked.
        kept["form"] = refill.kept_form(request.form, request.path)
    flash(json.dumps(kept, ensure_ascii=False), PROBLEM)


def done(answer: Answer, success: str, endpoint: str, **args: Any) -> Response:
    """After a change: say what happened (or why not) and show the page again (303)."""
    if answer.ok:
        flash(success, "notice")
    else:
        refused(answer)
    return redirect(url_for(endpoint, **args), 303)


def form_value(name: str) -> str | None:
    value = request.form.get(name, "").strip()
    return value or None


def filters(*names: str) -> dict[str, str]:
    """The query parameters a list page passes on to the API (empty ones dropped)."""
    return {name: request.args[name].strip() for name in names
            if request.args.get(name, "").strip()}


@blueprint.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded) -> tuple[str, int]:
    """Over a rate limit in the interface: a page in Chinese, not the API's problem JSON (the
    limiter adds ``Retry-After``)."""
    window = error.limit.limit.get_expiry() if error.limit else None
    back = request.referrer if request.referrer and "/web/" in request.referrer else None
    return render_template("rate_limited.html", user=None, retry_after=window,
                           back=back or url_for("web.home")), 429


@blueprint.app_template_global()
def csrf_field() -> str:
    """Every form's hidden fields: its CSRF token, and an ``Idempotency-Key`` drawn once per
    display of the form, so a double click or a resubmission records once (gateway.web.client)."""
    from markupsafe import Markup, escape

    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">'
                  f'<input type="hidden" name="{IDEMPOTENCY_FIELD}" value="{uuid.uuid4().hex}">')


@blueprint.app_template_global()
def version_field(record: Any) -> str:
    """A form that edits ``record`` carries the version it was shown: sent as ``If-Match``, a
    change made by someone else meanwhile is refused (412) rather than overwritten."""
    from markupsafe import Markup, escape

    version = record.get("version") if isinstance(record, dict) else None
    if version is None:
        return Markup("")
    return Markup(f'<input type="hidden" name="{IF_MATCH_FIELD}" value="{escape(str(version))}">')


@blueprint.app_template_global()
def chart_data(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False)


for _name in ("amount", "percent", "growth", "count", "date", "countdown", "countdown_level",
              "yes_no"):
    blueprint.add_app_template_filter(getattr(formatting, _name), _name)
blueprint.add_app_template_global(formatting.cell, "cell")
blueprint.add_app_template_global(formatting.dig, "dig")
