"""The relay marks acknowledged rows with one ``BETWEEN`` per run of consecutive positions: a
run must never span a position the relay did not send (it may still commit, unsent)."""

from __future__ import annotations

from core.relay import position_runs


def test_consecutive_positions_make_one_run():
    assert position_runs([7, 8, 9, 10]) == [(7, 10)]


def test_a_missing_position_splits_the_runs():
    assert position_runs([1, 2, 4, 5, 9]) == [(1, 2), (4, 5), (9, 9)]
    assert position_runs([3]) == [(3, 3)]
