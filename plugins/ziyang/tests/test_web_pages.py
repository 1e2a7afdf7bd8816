"""Ziyang's pages of the web interface: the six-ones board of the seven industry groups, with
the problems the plugin finds, and the sharing of transferred projects."""

from __future__ import annotations

from core.testing.web_pages import served_pages
from plugins.ziyang.tests.conftest import new_project


def test_the_six_ones_board_shows_every_group_and_its_problems(client):
    # The signing records are read for one project (the project page's section).
    pages = served_pages(client, {"project_id": str(new_project(client)["id"])})
    assert list(pages) == ["ziyang_six_ones", "ziyang_transfer_split", "ziyang_signing"]
    board, problems = pages["ziyang_six_ones"]["sections"]
    assert board["source"] == "reports/ziyang_six_ones"
    assert [c["heading"] for c in board["columns"]][:2] == ["产业招商小组", "市级领导"]
    groups = client.get("/ziyang/groups").json
    assert len(groups) == 7  # the seven industry groups, each a row of the board
    assert len(client.get("/reports/ziyang_six_ones").json["rows"]) == 7
    problem_column = next(c for c in problems["columns"] if c["key"] == "problems")
    assert (problem_column["format"], problem_column["item_key"]) == ("list", "message")
    assert any(group["problems"] for group in groups)  # a fresh city has every one missing
