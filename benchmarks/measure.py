"""Timing, memory and the side-by-side table the benchmarks report.

Every measure is a ratio to its baseline, measured in the same run on the same rows (a ratio
holds across machines and load far better than an absolute time, which is kept as context).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple


class Clocked(NamedTuple):
    """One call's wall seconds, this process's CPU seconds (all its threads), and its result."""

    seconds: float
    cpu: float
    result: Any


def clocked(work: Callable[[], Any]) -> Clocked:
    """One call of ``work`` on the wall and CPU clocks, started after a garbage collection (no
    earlier garbage is collected on its clock)."""
    gc.collect()
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    return Clocked(time.perf_counter() - began, time.process_time() - cpu, result)


def median_seconds(work: Callable[[], Any], repeat: int = 3, warmup: int = 1) -> float:
    """The median wall time of ``repeat`` calls of ``work``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        work()
    return statistics.median(clocked(work).seconds for _ in range(repeat))


def traced_peak_mb(work: Callable[[], Any]) -> float:
    """The peak of Python memory allocated during one call of ``work``, in MB (tracemalloc;
    measured apart from the timed calls, which tracing would slow down)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1_000_000


@dataclass
class Row:
    """One line of the table: a measure, its baseline, and the goal it is held to."""

    section: str
    measure: str
    value: float  # seconds, or requests/s when ``higher_is_better``
    baseline: float
    baseline_name: str
    goal: str = ""
    met: bool | None = None
    higher_is_better: bool = False
    note: str = ""
    unit: str = ""  # how the value reads: " s" (the default), "/s", " MB"
    # The ratios of rounds measured side by side (each against its own baseline, taken just
    # before or after it). When given, the ratio is their median, not value / baseline: a
    # shared machine's load drifts between rounds, and the best (or the median) of each side
    # taken apart can pair one side's quiet round with the other's busy one.
    paired_ratios: tuple[float, ...] = ()

    @property
    def ratio(self) -> float:
        if self.paired_ratios:
            return statistics.median(self.paired_ratios)
        return self.value / self.baseline if self.baseline else float("inf")

    def spread(self) -> str:
        """The paired rounds' lowest and highest ratio ("" when the ratio is not paired)."""
        if not self.paired_ratios:
            return ""
        return f"rounds {min(self.paired_ratios):.3g}–{max(self.paired_ratios):.3g}×"

    def cells(self) -> list[str]:
        unit = self.unit or ("/s" if self.higher_is_better else " s")
        met = "" if self.met is None else ("yes" if self.met else "**no**")
        return [self.section, self.measure, f"{self.value:,.4g}{unit}",
                f"{self.baseline:,.4g}{unit} ({self.baseline_name})", f"{self.ratio:,.3g}×",
                self.goal, met, "; ".join(part for part in (self.spread(), self.note) if part)]


HEADINGS = ["part", "measure", "value", "baseline", "ratio", "goal", "met", "note"]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines) + "\n"
