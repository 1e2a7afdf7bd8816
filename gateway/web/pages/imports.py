"""导入台账: a city's existing ledgers brought in — the templates, the upload, the dry run's
problems by row and column, and the commit of a checked file.

The upload starts a background job on the city service (``POST /imports?background=true``);
the job's page reloads itself every two seconds while it runs (rows done of rows in the file)
and then shows the result. A dry run without problems offers the commit of the same file.
"""

from __future__ import annotations

import json

from flask import flash, redirect, request, url_for

from gateway.web.base import PROBLEM, api, blueprint, check_city, done, refused, render

KINDS = {"projects": "项目", "leads": "线索", "enterprises": "企业", "introducers": "引荐人"}


@blueprint.route("/c/<city>/imports")
def imports(city: str):
    check_city(city)
    return render("imports.html", city=city, kinds=KINDS)


@blueprint.route("/c/<city>/imports", methods=["POST"])
def upload_ledger(city: str):
    check_city(city)
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in KINDS or upload is None or not upload.filename:
        flash(json.dumps({"title": "请选择台账类别和文件", "status": 400}, ensure_ascii=False),
              PROBLEM)
        return redirect(url_for("web.imports", city=city), 303)
    dry_run = request.form.get("commit") != "1"
    answer = api().city_upload(city, "imports", {"kind": kind, "dry_run": str(dry_run).lower(),
                                                 "background": "true"},
                               upload.filename, upload.read())
    if not answer.ok:
        refused(answer)
        return redirect(url_for("web.imports", city=city), 303)
    return redirect(url_for("web.import_job", city=city, job_id=answer.body["id"]), 303)


@blueprint.route("/c/<city>/imports/jobs/<int:job_id>")
def import_job(city: str, job_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"imports/jobs/{job_id}")
    job = answer.body if answer.ok else None
    return render("import_job.html", city=city, job=job, answer=answer, kinds=KINDS)


@blueprint.route("/c/<city>/imports/jobs/<int:job_id>/commit", methods=["POST"])
def commit_import(city: str, job_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"imports/jobs/{job_id}/commit")
    if answer.ok:
        return redirect(url_for("web.import_job", city=city, job_id=answer.body["id"]), 303)
    return done(answer, "", "web.import_job", city=city, job_id=job_id)


@blueprint.route("/c/<city>/imports/jobs/<int:job_id>/discard", methods=["POST"])
def discard_import(city: str, job_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"imports/jobs/{job_id}/discard")
    return done(answer, "已放弃该试导入", "web.import_job", city=city, job_id=job_id)
