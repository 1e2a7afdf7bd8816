"""The issue's realistic ledger, 5,000 projects on SQLite and on PostgreSQL: refused with the
exact list of its mistakes, then imported once and only once into the city and, by its events,
the province (docs/interface-apis.md).

Each backend's case takes minutes: under xdist each is a unit of work of its own, started
before the others (``RUN_EACH_TEST_APART`` in the root ``conftest.py``), so the two run side by
side instead of one after the other at the end of the run.
"""

from __future__ import annotations

import os
from decimal import Decimal

from tests.api.test_ledger_import import TABLES
from tests.support.ledgers import listed, project_ledger, project_rows, upload
from tests.support.province import province_of
from tests.support.records import row_counts

# The realistic ledger: 5,000 projects (the size benchmarks/ledger_import.py times; on
# a quiet machine each pass takes under a minute, docs/benchmarks.md) over the savepoint chunks.
# ZHAOSHANG_LARGE_LEDGER=1000 runs a smaller one while working on the import.
LARGE = int(os.environ.get("ZHAOSHANG_LARGE_LEDGER", "5000"))


def _spread(fraction: float, stage: int) -> int:
    """The row about ``fraction`` into the ledger whose stage is ``STAGES[stage]``."""
    return int(LARGE * fraction) // 4 * 4 + stage


# Spread over the chunks (core.ledger_import.run.CHUNK_ROWS): refusals before any write, and
# ones a service makes half-way through a row (dates, which undo and rerun their chunk).
LARGE_MISTAKES = {1: "unknown_unit", _spread(0.4, 3): "date_order",
                  _spread(0.6, 2): "future_date", _spread(0.8, 0): "negative_amount",
                  _spread(0.9, 1): "duplicate_enterprise", LARGE - 2: "formula"}


def test_a_large_ledger_is_refused_exactly_then_imported_once_into_city_and_province(
        app, client, tmp_path):
    before = row_counts(app, *TABLES)
    refused = upload(client, project_ledger(LARGE, LARGE_MISTAKES), commit=True)
    assert refused["committed"] is False and refused["rows"] == LARGE
    assert listed(refused) == [
        ("项目", 3, "招商单位", "choice.unknown"),
        ("项目", _spread(0.4, 3) + 2, "开工日期", "date.before_previous_stage"),
        ("项目", _spread(0.4, 3) + 2, "开工日期", "date.before_signing"),
        ("项目", _spread(0.6, 2) + 2, "签约日期", "date.in_future"),
        ("项目", _spread(0.8, 0) + 2, "计划总投资（万元）", "money.negative"),
        ("项目", _spread(0.9, 1) + 2, "企业名称", "enterprise.duplicate"),
        ("项目", LARGE, "计划总投资（万元）", "cell.formula"),
    ]
    assert row_counts(app, *TABLES) == before  # nothing written, no event

    content = project_ledger(LARGE)
    done = upload(client, content, commit=True)
    assert (done["problems"], done["created"], done["committed"]) == ([], LARGE, True)
    after = row_counts(app, *TABLES)
    assert after["projects"] == after["imported_records"] == LARGE
    again = upload(client, content, commit=True, name="再次导入.xlsx")
    assert (again["problems"], again["created"], again["unchanged"]) == ([], 0, LARGE)
    assert row_counts(app, *TABLES) == after

    # The city's figures include every signed project of the ledger, at its amount.
    span = "from=2024-01-01&to=2024-12-31"
    city = client.get(f"/stats?{span}").json["total"]
    signed = [row for row in project_rows(LARGE) if row["当前阶段"] in ("签约", "开工")]
    assert Decimal(city["signed_count"]) == len(signed)
    assert Decimal(city["signed_amount"]) == sum(row["计划总投资（万元）"] for row in signed)
    assert Decimal(city["started_count"]) == sum(row["当前阶段"] == "开工" for row in signed)

    # Search finds the imported records by a two-character fragment of their names.
    for path in ("/projects?q=导入", "/enterprises?q=投资"):
        found = client.get(path)
        assert found.status_code == 200 and found.json["total"] == LARGE, path
    one = client.get(f"/projects?q=导入项目{LARGE - 7}号").json["items"]
    assert [item["name"] for item in one] == [f"台账导入项目{LARGE - 7}号"]

    # The province, from the events the import published, shows the city's figures.
    province = province_of(app, tmp_path)
    try:
        response = province.test_client().get(f"/api/v1/province/cities?{span}")
        assert response.status_code == 200, response.json
        [row] = response.json["cities"]
        for name in ("signed_count", "signed_amount", "started_count", "start_rate",
                     "arrived_amount", "arrival_rate", "arrived_pending_amount"):
            assert (None if row[name] is None else Decimal(row[name])) == (
                None if city[name] is None else Decimal(city[name])), name
    finally:
        province.extensions["zhaoshang_province"].engine.dispose()

    # The project list's export, read back, changes nothing.
    export = client.get("/projects?format=xlsx")
    assert export.status_code == 200
    result = upload(client, export.data, commit=True, name="项目列表.xlsx")
    assert (result["problems"], result["created"], result["unchanged"]) == ([], 0, LARGE)
    assert row_counts(app, *TABLES) == after
