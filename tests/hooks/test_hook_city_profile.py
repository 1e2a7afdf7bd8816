"""``city_profile``: plugins add to the public profile of ``GET /api/v1/city``."""

from __future__ import annotations

from core import hookimpl
from tests.support.cities import make_city


class Groups:
    @hookimpl
    def city_profile(self, city):
        return {"groups": {"count": 7, "city": city.code}}


class Regions:
    @hookimpl
    def city_profile(self, city):
        return {"regions": ["长三角", "成渝"]}


def test_hook_city_profile_adds_and_merges_extensions(client_for):
    client = client_for(make_city(extra_plugins=[("groups", Groups()), ("regions", Regions())]))
    profile = client.get("/city").json
    assert profile["extensions"] == {"groups": {"count": 7, "city": "testcity"},
                                     "regions": ["长三角", "成渝"]}
    assert profile["code"] == "testcity"


def test_hook_city_profile_without_plugins_has_empty_extensions(client):
    assert client.get("/city").json["extensions"] == {}
