"""Signing in and out, the start page of each role, and choosing a city."""

from __future__ import annotations

from flask import Response, g, get_flashed_messages, redirect, render_template, request, url_for

from core.problems import Problem
from gateway import routes
from gateway.web import menus
from gateway.web.base import blueprint, city_names
from gateway.web.session import sign_in, sign_out

START_PAGES = {"clerk": "web.leads", "officer": "web.leads", "leader": "web.dashboard",
               "province": "web.province", "admin": "web.dashboard"}


def _safe_next(target: str | None) -> str | None:
    """Only a path of the interface itself (no open redirect to another site)."""
    if target and target.startswith("/web/") and not target.startswith("//"):
        return target
    return None


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    next_page = _safe_next(request.args.get("next"))
    if request.method == "GET":
        # Why the person is here again (an expired token, an account changed or disabled).
        return render_template("login.html", next=next_page, user=None,
                               notices=get_flashed_messages(category_filter=["notice"]))
    username = request.form.get("username", "").strip()
    try:
        answer = routes.sign_in(username, request.form.get("password", ""))
    except Problem as problem:
        return render_template("login.html", next=next_page, user=None, username=username,
                               problem=problem.body()), problem.status
    sign_in(answer["access_token"])
    return redirect(next_page or url_for("web.home"), 303)


@blueprint.route("/logout", methods=["POST"])
def logout():
    sign_out()
    return redirect(url_for("web.login"), 303)


@blueprint.route("/")
def home() -> Response:
    claims = g.claims
    endpoint = START_PAGES.get(claims.role, "web.dashboard")
    if endpoint == "web.province":
        return redirect(url_for(endpoint), 303)
    city = menus.home_city(claims, list(city_names()))
    args = {"mine": "1"} if claims.role == "clerk" else {}
    if claims.role == "officer":
        args = {"status": "reported"}
    return redirect(url_for(endpoint, city=city, **args), 303)


@blueprint.route("/city")
def switch_city() -> Response:
    city = request.args.get("city", "")
    if city not in city_names():
        city = menus.home_city(g.claims, list(city_names())) or ""
    return redirect(url_for("web.dashboard", city=city), 303)
