"""People as a page names them: an actor recorded by username (``ziyang-officer``) shown by the
name the gateway's accounts give them (资阳市招商干部). History rows, review steps and reward
changes carry the username the API recorded; a name no account holds (an import, a removed
account) is shown as recorded."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from core.db import unit_of_work
from gateway.runtime import gateway
from gateway.store import User
from gateway.web.base import blueprint

SYSTEM_ACTORS = {"system": "系统", "scheduler": "系统定时任务", "import": "批量导入",
                 "demo": "演示数据"}  # the demo loader (`zhaoshang demo`)


@blueprint.app_template_global()
def person(username: object) -> str:
    """The display name of ``username``, looked up once per request for all of a page's rows."""
    if username in (None, ""):
        return "—"
    text = str(username)
    names: dict[str, str] = g.setdefault("people", {})
    if text not in names:
        with unit_of_work(gateway().sessions) as session:
            shown = session.scalar(sa.select(User.display_name).where(User.username == text))
        names[text] = shown or SYSTEM_ACTORS.get(text, text)
    return names[text]
