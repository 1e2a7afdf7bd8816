"""``make bench``'s pieces still run, at a tiny scale, so they do not rot between runs.

Nothing here measures speed: each piece must build its rows, run what it measures and its
baseline, and give a row with a positive value and baseline (the ratios are for the benchmark).
"""

from __future__ import annotations

import re

import pytest

from benchmarks import api, assessment, figures, outbox_rows
from benchmarks.measure import Row
from benchmarks.side_by_side import city_app, identity_headers, parse


@pytest.fixture
def bench_city(postgres_server, tmp_path):
    url = postgres_server.create_database("smoke_bench_city")
    app = city_app(url, units=5, projects=50)
    yield url, app
    app.extensions["zhaoshang"].engine.dispose()
    postgres_server.drop_database("smoke_bench_city")


def positive(rows):
    assert rows
    for row in rows:
        assert row.value > 0 and row.baseline > 0, row
    return rows


def test_city_figures_and_an_assessment_run_are_measured_against_one_sql_pass(bench_city):
    _, app = bench_city
    [stats] = positive(figures.city_stats(app, identity_headers(), repeat=1))
    assert stats.measure == "/stats, one year, 50 projects"
    [run] = positive(assessment.run(app, repeat=1))
    assert run.measure == "a run: 50 projects × 6 units"  # the five counties and west


def test_the_request_paths_run_on_the_city_and_on_the_bare_app(bench_city, tmp_path):
    url, app = bench_city
    app.extensions["zhaoshang"].engine.dispose()
    rows = positive(api.run(url, 5, tmp_path, requests_per_path=8, rounds=1))
    assert [row.measure.split(" (")[0] for row in rows] == [
        "project list, 20 per page", "/stats, one year", "lead POST"]
    # Where each request's cost went: the server process's CPU (and its kernel share) and
    # PostgreSQL's, both sides (at eight requests mostly under the kernel's 10 ms tick).
    for row in rows:
        assert len(re.findall(r"\d+\.\d\d", row.note)) == 6, row.note


def test_the_province_figures_are_measured_at_each_size_with_growth_and_memory(
        postgres_server):
    rows = positive(figures.province(postgres_server, "tiny", cities=5, repeat=1))
    assert [row.measure for row in rows] == [
        "50 projects, 5 cities, one year", "500 projects, 5 cities, one year",
        "growth 50 → 500", "memory 50 → 500"]


def test_the_default_run_is_the_issues_scale_with_every_section():
    options = parse([])
    assert figures.SCALES[options.scale] == (10_000, 100_000, 1_700_000)
    assert (options.projects, options.units, options.cities) == (5_000, 200, 333)
    assert set(options.only) == {"city", "assessment", "api", "province", "search",
                                 "ledger_import", "export", "relay", "pipeline"}


def test_an_export_is_measured_against_openpyxls_write_only_workbook():
    from benchmarks import exports

    [row] = positive(exports.run(rows=50, repeat=1))
    assert row.measure == "Excel export, 50 rows × 29 columns"
    assert row.baseline_name == "openpyxl's write-only workbook"


def test_search_is_measured_against_the_unfiltered_list(bench_city):
    from benchmarks import search

    _, app = bench_city
    rows = positive(search.rows_for(app, "PostgreSQL", identity_headers(), repeat=1, records=50))
    assert [row.measure for row in rows] == [
        f"PostgreSQL: q, {what}, 50 records" for what, _ in search.QUERIES]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_relay_s_reads_and_marks_are_measured_per_row(backend):
    result = outbox_rows.run(backend, events=60, repetitions=1)
    assert result["rows"] >= 60  # the demo's own events come first
    assert result["read_median"] > 0 and result["mark_median"] > 0
    assert "| read (`Relay._fetch`" in outbox_rows.report(result)


def test_a_paired_ratio_is_the_median_of_its_rounds_not_of_each_side_taken_apart():
    # Three rounds, city against bare app: 300/1000 on a quiet machine, then 100/180 and
    # 210/350 under load. Each side's best round reads 0.3×, each side's median 0.6×; the
    # rounds, each against its own baseline, say 0.556×.
    row = Row("request path", "lead POST", value=210, baseline=350, baseline_name="bare",
              goal="≥ 0.5×", higher_is_better=True,
              paired_ratios=(300 / 1000, 100 / 180, 210 / 350))
    assert round(row.ratio, 3) == 0.556
    cells = row.cells()
    assert cells[4] == "0.556×"
    assert cells[7] == "rounds 0.3–0.6×"


def test_an_unpaired_ratio_is_value_over_baseline():
    row = Row("city figures", "/stats", value=0.012, baseline=0.004, baseline_name="one SQL")
    assert row.ratio == pytest.approx(3.0)
    assert row.cells()[7] == ""
