"""Ziyang's pages of the web interface: the six-ones board of the seven industry groups, with
the problems the plugin finds, and the sharing of transferred projects."""

from __future__ import annotations

from tests.support.web_pages import served_pages


def test_the_six_ones_board_shows_every_group_and_its_problems(client):
    pages = served_pages(client)
    assert list(pages) == ["ziyang_six_ones", "ziyang_transfer_split"]
    board, problems = pages["ziyang_six_ones"]["sections"]
    assert board["source"] == "reports/ziyang_six_ones"
    assert [c["heading"] for c in board["columns"]][:2] == ["产业招商小组", "市级领导"]
    groups = client.get("/ziyang/groups").json
    assert len(groups) == 7  # the seven industry groups, each a row of the board
    assert len(client.get("/reports/ziyang_six_ones").json["rows"]) == 7
    problem_column = next(c for c in problems["columns"] if c["key"] == "problems")
    assert (problem_column["format"], problem_column["item_key"]) == ("list", "message")
    assert any(group["problems"] for group in groups)  # a fresh city has every one missing
