"""导入台账 in the web, through the real gateway and city service: the office uploads a ledger,
watches the job's page until it is done, reads the dry run's problems by row and column, then
commits a checked file with the page's button; the same file again changes nothing."""

from __future__ import annotations

import io
import itertools
import time

from tests.gateway.test_gateway_versions import web_as
from tests.support.ledgers import workbook

_numbers = itertools.count(1)
HEADINGS = ["台账编号", "名称", "类别", "联系电话"]


def ledger(number: int, kind: str = "顾问") -> bytes:
    return workbook([("引荐人", HEADINGS, [
        {"台账编号": f"WEB-{number}", "名称": f"网页导入的招商顾问{number}", "类别": kind,
         "联系电话": f"1390932{number:04d}"}])])


def finished(web, location: str) -> str:
    """The job's page once the job is done (it reloads itself while the job runs)."""
    deadline = time.monotonic() + 60
    while True:
        page = web.get(location).get_data(as_text=True)
        if "正在处理" not in page or time.monotonic() > deadline:
            return page
        time.sleep(0.2)


def upload(web, csrf: str, content: bytes, name: str = "引荐人台账.xlsx") -> str:
    answer = web.post("/web/c/lanzhou/imports", content_type="multipart/form-data", data={
        "csrf_token": csrf, "kind": "introducers", "commit": "0",
        "file": (io.BytesIO(content), name)})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"]


def test_the_office_dry_runs_then_commits_a_ledger_in_the_web(front, cities):
    number = next(_numbers)
    web, csrf = web_as(front, "lanzhou-officer")
    page = web.get("/web/c/lanzhou/imports").get_data(as_text=True)
    assert "导入台账" in page and "imports/templates/projects.xlsx" in page

    refused = finished(web, upload(web, csrf, ledger(number, kind="老乡")))
    assert "问题 1 个" in refused and "<td>引荐人</td><td>2</td><td>类别</td>" in refused
    assert "类别“老乡”不在可选范围内" in refused and "正式导入</button>" not in refused

    checked = upload(web, csrf, ledger(number))
    page = finished(web, checked)
    assert "可导入 1 行" in page and "正式导入</button>" in page
    committed = web.post(f"{checked}/commit", data={"csrf_token": csrf})
    assert committed.status_code == 303
    page = finished(web, committed.headers["Location"])
    assert "已导入 1 行" in page
    found = web.get(f"/web/c/lanzhou/intermediaries?q=网页导入的招商顾问{number}")
    assert f"网页导入的招商顾问{number}" in found.get_data(as_text=True)

    again = finished(web, upload(web, csrf, ledger(number)))
    assert "可导入 0 行" in again and "此前已导入未变 1 行" in again


def test_a_dry_run_left_waiting_is_a_todo_until_the_office_discards_it(front, cities):
    number = next(_numbers)
    web, csrf = web_as(front, "lanzhou-officer")
    location = upload(web, csrf, ledger(number, kind="老乡"))
    job_path = location.split("/web/c/lanzhou/")[-1]
    assert "问题 1 个" in finished(web, location)
    todos = web.get("/web/c/lanzhou/todos").get_data(as_text=True)
    assert "导入待处理" in todos and job_path in todos

    other, _ = web_as(front, "lanzhou-clerk")  # someone else's dry run is not their to-do
    assert job_path not in other.get("/web/c/lanzhou/todos").get_data(as_text=True)

    discarded = web.post(f"{location}/discard", data={"csrf_token": csrf})
    assert discarded.status_code == 303
    page = web.get(discarded.headers["Location"]).get_data(as_text=True)
    assert "已放弃该试导入" in page and "放弃本次试导入</button>" not in page
    assert job_path not in web.get("/web/c/lanzhou/todos").get_data(as_text=True)
    again = web.post(f"{location}/discard", data={"csrf_token": csrf})
    assert again.status_code == 303  # refused (409) and said so on the job's page
    assert "不能放弃" in web.get(again.headers["Location"]).get_data(as_text=True)
