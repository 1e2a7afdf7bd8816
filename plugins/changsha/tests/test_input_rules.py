"""Changsha's report periods and dates (core.input_rules): a label or date outside 1900–2100 is
a field problem in Chinese, never a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("code", "params", "field"), [
    ("changsha_monthly", {"month": "0000-01"}, "month"),
    ("changsha_monthly", {"month": "9999-12"}, "month"),
    ("changsha_monthly", {"month": "2026-13"}, "month"),
    ("changsha_weekly", {"week": "9999-W52"}, "week"),
    ("changsha_half_year", {"half": "2026-H3"}, "half"),
    ("changsha_site_tour", {"year": "0"}, "year"),
    ("changsha_monthly", {"month": "2026-06", "as_of": "9999-12-31"}, "as_of"),
    ("changsha_monthly", {"month": "2026-06", "as_of": "0000-01-01"}, "as_of"),
])
def test_a_period_or_date_no_city_has_is_a_field_problem(client, code, params, field):
    response = client.get(f"/reports/{code}", query_string=params)
    assert response.status_code == 400, response.json
    [error] = response.json["errors"]
    assert error["field"] == field
    assert not error["message"].isascii()
