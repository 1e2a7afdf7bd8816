"""``/api/v1/imports``: a city's ledger template, the dry run and the commit of a ledger.

The upload is a multipart form (``file``); ``kind`` and ``dry_run`` are query parameters.
``background=true`` answers 202 with a job whose progress ``GET /imports/jobs/<id>`` reports
(the web's upload page); otherwise the answer is the result itself. Jobs are rows of the city's
database (core.ledger_import.jobs), so any replica answers them. See docs/interface-apis.md,
"Importing ledgers".
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from marshmallow import fields, validate

from core.api.registry import operation
from core.api.support import city, current_actor, load_query, runtime, transaction
from core.ledger_import import KIND_LABELS, KINDS
from core.ledger_import.jobs import jobs_of
from core.ledger_import.run import run_import
from core.ledger_import.template import template_workbook
from core.permissions import IMPORTER, READER
from core.policy import FieldProblem
from core.problems import Problem, invalid_input, not_found
from core.schemas.base import BaseSchema
from core.xlsx import xlsx_download

blueprint = Blueprint("imports", __name__)


class ImportQuery(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "leads、projects、enterprises 或 introducers"})
    dry_run = fields.Boolean(load_default=True,
                             metadata={"description": "true 试导入（只列问题，不写入）；false 正式导入"})
    background = fields.Boolean(load_default=False,
                                metadata={"description": "true 时后台导入，答复 202 与任务编号"})


@operation(blueprint, "/imports/templates/<kind>.xlsx", summary="下载本市台账导入模板",
           errors=(404,), export=False, who=READER)
def import_template(kind: str):
    """The kind's sheets with Chinese headings, drop-downs of the city's names, a 说明 sheet."""
    if kind not in KINDS:
        raise not_found("导入模板", kind)
    with transaction() as session:
        content = template_workbook(session, city(), kind)
    return xlsx_download(content, f"{city().name}{KIND_LABELS[kind]}台账导入模板.xlsx",
                         f"{kind}-import-template.xlsx")


@operation(blueprint, "/imports", "POST", summary="导入台账（试导入或正式导入）", query=ImportQuery,
           errors=(400, 403), who=IMPORTER)
def import_ledger():
    """Every row through the same services as a form; problems by sheet, row, column."""
    params = load_query(ImportQuery)
    upload = request.files.get("file")
    if upload is None:
        raise invalid_input([FieldProblem("file", "required", "请上传台账文件（.xlsx）")])
    # The service's request limit (2 MB, core.app) holds some 25,000 projects: a 413 beyond.
    content = upload.read()
    name = upload.filename or "ledger.xlsx"
    actor = current_actor()
    if params["background"]:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        job = jobs_of(app).start(app, actor, params["kind"], name, content, params["dry_run"])
        return jsonify(job.as_dict()), 202
    result = run_import(runtime().sessions, city(), actor, params["kind"], name, content,
                        dry_run=params["dry_run"])
    return jsonify(result.as_dict()), 200


@operation(blueprint, "/imports/jobs/<int:job_id>", summary="后台导入任务的进度与结果",
           errors=(404,), export=False, who=IMPORTER)
def import_job(job_id: int):
    job = jobs_of(current_app).get(job_id, current_actor())
    if job is None:
        raise not_found("导入任务", job_id)
    return jsonify(job.as_dict())


@operation(blueprint, "/imports/jobs/<int:job_id>/commit", "POST",
           summary="正式导入已试导入无误的台账文件", errors=(404, 409), who=IMPORTER)
def commit_import_job(job_id: int):
    """The dry run's own file, imported for real in a new background job (202)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job = jobs_of(app).get(job_id, current_actor())
    if job is None:
        raise not_found("导入任务", job_id)
    if job.awaiting_review and not job.committable:
        raise Problem(409, "import.not_committable", "不能正式导入",
                      "试导入仍有问题，请修改台账后重新上传")
    if job.status in ("running", "failed"):
        raise Problem(409, "import.not_committable", "不能正式导入",
                      "试导入尚未完成或已失败，请等待完成或重新上传")
    # One conditional UPDATE: of two clicks or two replicas, only one commits (the other 409).
    started = jobs_of(app).commit(app, job)
    if started is None:
        raise Problem(409, "import.not_committable", "不能正式导入",
                      "该试导入已正式导入或已放弃，不能再次正式导入")
    return jsonify(started.as_dict()), 202


@operation(blueprint, "/imports/jobs/<int:job_id>/discard", "POST",
           summary="放弃试导入（不再正式导入，移出待办）", errors=(404, 409), who=IMPORTER)
def discard_import_job(job_id: int):
    """The dry run's file is forgotten: nothing was written, and it leaves the to-do list."""
    job = jobs_of(current_app).get(job_id, current_actor())
    if job is None:
        raise not_found("导入任务", job_id)
    discarded = jobs_of(current_app).discard(job)
    if discarded is None:
        raise Problem(409, "import.not_discardable", "不能放弃",
                      "只有已完成、尚未正式导入的试导入可以放弃")
    return jsonify(discarded.as_dict())
