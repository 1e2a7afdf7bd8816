"""A ledger dry run awaiting review is a to-do of its uploader (``import_review``): one that
found problems, or that was never committed, until it is committed or discarded
(core.todos, core.ledger_import.jobs)."""

from __future__ import annotations

import io
import threading

from tests.support.ledgers import project_ledger


def background(client, content, name, dry_run=True):
    response = client.post(f"/imports?kind=projects&dry_run={str(dry_run).lower()}"
                           "&background=true", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.json
    return finished(response.json["id"])


def finished(job_id):
    for thread in threading.enumerate():
        if thread.name == f"ledger-import-{job_id}":
            thread.join()
    return job_id


def reviews(client, as_=None):
    body = client.get("/todos", as_=as_).json
    return [item for item in body["items"] if item["kind"] == "import_review"], body["total"]


def test_dry_runs_wait_in_their_uploaders_todos_until_committed_or_discarded(app, client):
    refused = background(client, project_ledger(6, {1: "unknown_unit"}), "有问题的台账.xlsx")
    clean = background(client, project_ledger(6), "无误的台账.xlsx")
    background(client, project_ledger(3), "直接导入.xlsx", dry_run=False)  # not a dry run

    items, total = reviews(client)
    assert total >= len(items) == 2  # counted in the list's total (the header's count)
    assert [(item["key"], item["title"], item["web_path"], item["api_path"], item["kind_label"])
            for item in items] == [
        (f"import:{refused}", "项目台账“有问题的台账.xlsx”试导入发现 1 个问题，请修改台账后重新上传或放弃",
         f"imports/jobs/{refused}", f"imports/jobs/{refused}", "导入待处理"),
        (f"import:{clean}", "项目台账“无误的台账.xlsx”试导入无误，尚未正式导入",
         f"imports/jobs/{clean}", f"imports/jobs/{clean}", "导入待处理")]
    assert client.get(f"/{items[0]['api_path']}").json["awaiting_review"] is True
    # Another person's list does not have them: the job is its uploader's.
    assert reviews(client, as_=("clerk", "east"))[0] == []

    committed = client.post(f"/imports/jobs/{clean}/commit")
    assert committed.status_code == 202, committed.json
    finished(committed.json["id"])
    assert [item["key"] for item in reviews(client)[0]] == [f"import:{refused}"]

    discarded = client.post(f"/imports/jobs/{refused}/discard")
    assert discarded.status_code == 200 and discarded.json["awaiting_review"] is False
    assert reviews(client)[0] == []
    # Discarded once: neither discarded again nor committed since.
    assert client.post(f"/imports/jobs/{refused}/discard").status_code == 409
    assert client.post(f"/imports/jobs/{clean}/discard").status_code == 409
    assert client.post(f"/imports/jobs/{refused}/discard",
                       as_=("clerk", "east")).status_code == 404
