"""The web interface in Simplified Chinese, served by the gateway under ``/web/``.

Pages are Jinja templates rendered on the server from the same API the gateway forwards, called
as the signed-in person (``gateway.web.client``); charts are drawn by ECharts in the browser from
data the page carries. See ``docs/web.md``.
"""

from __future__ import annotations

from flask import Flask, redirect, url_for

from gateway.web import people, session  # noqa: F401 - people adds a template global
from gateway.web.base import blueprint
from gateway.web.pages import (  # noqa: F401 - each module adds its routes to the blueprint
    audit,
    auth,
    city_pages,
    dashboard,
    dead_letters,
    exports,
    imports,
    introducers,
    leads,
    mechanisms,
    office,
    projects,
    province,
    rewards,
    search,
    todos,
)

WEB_PREFIX = "/web"


def init_app(app: Flask, jwt_secret: str) -> None:
    session.configure(app, jwt_secret)
    app.register_blueprint(blueprint, url_prefix=WEB_PREFIX)
    app.add_url_rule("/", "root", lambda: redirect(url_for("web.home"), 302))
