"""``ranking_end``: the top or bottom of a published ranking, ties at the boundary included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import AssessmentResult, AssessmentRun
from core.services.assessments import ranking_end


def run_with(ranks: list[int]) -> AssessmentRun:
    run = AssessmentRun()
    run.results = [AssessmentResult(unit_code=f"u{position}", position=position, rank=rank,
                                    total=Decimal(100 - rank))
                   for position, rank in enumerate(ranks, start=1)]
    return run


def codes(results: list[AssessmentResult]) -> list[str]:
    return [result.unit_code for result in results]


def test_the_top_and_the_bottom_in_ranking_order():
    run = run_with([1, 2, 3, 4, 5])
    assert codes(ranking_end(run, 2, "top")) == ["u1", "u2"]
    assert codes(ranking_end(run, 2, "bottom")) == ["u4", "u5"]


def test_units_tied_at_the_boundary_are_all_taken():
    run = run_with([1, 1, 3, 4, 4])
    assert codes(ranking_end(run, 1, "top")) == ["u1", "u2"]
    assert codes(ranking_end(run, 1, "bottom")) == ["u4", "u5"]


def test_more_than_the_ranking_holds_is_the_whole_ranking_and_none_is_nothing():
    run = run_with([1, 2])
    assert codes(ranking_end(run, 5, "bottom")) == ["u1", "u2"]
    assert ranking_end(run, 0, "top") == []
    with pytest.raises(ValueError):
        ranking_end(run, 1, "middle")
