"""``/api/v1/web-pages``: the city's own pages of the web interface (the ``web_pages`` hook)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import city
from core.city import City
from core.permissions import READER
from core.policy import WebPage
from core.schemas.web_pages import WebPageSchema

blueprint = Blueprint("web_pages", __name__)


def city_web_pages(current: City) -> list[WebPage]:
    """The pages every enabled plugin declares, in plugin order (the first page with a code wins)."""
    pages: dict[str, WebPage] = {}
    for page in current.call("web_pages"):
        pages.setdefault(page.code, page)
    return list(pages.values())


@operation(blueprint, "/web-pages", summary="本市特色页面（网页界面按此渲染）", response=WebPageSchema,
           many=True, who=READER)
def list_web_pages():
    return jsonify(WebPageSchema(many=True).dump(city_web_pages(city())))
