"""The dry run and the all-or-nothing commit of one uploaded ledger.

Both run every row through the services in one transaction, a savepoint per chunk of rows
(a savepoint per row only in a chunk a service refused half-way) so one refused row does not
hide the next one's problems; the records' warnings are recomputed once, together, at the end
of a commit (docs/interface-apis.md, "Speed without other rules"). A dry run, and a commit with any
problem, roll the whole transaction back: nothing is written, no event leaves. A commit
without problems commits every record, its ``imported_records`` row and its outbox events
together.

A row already imported (the same kind and 台账编号, or an enterprise's credit code or
normalised name, in ``imported_records``) is not written again: the same row is counted
``unchanged``; a row whose cells changed since is refused (``import.changed``) — the record
has lived on in the system since (stages, funds, corrections), and the import never
overwrites what was done there: the change is made on the record's own page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from core import deferred_rows
from core.choices import city_choices
from core.identity import Actor
from core.ledger_import import KIND_LABELS
from core.ledger_import.cells import SheetRows, UnreadableFile, read_sheets
from core.ledger_import.layout import LEDGER_NO, RECORD_NO, Sheet, sheets_of
from core.ledger_import.rows import (
    Context,
    ImportProblem,
    RowFailed,
    enterprise_key,
    exported_project_unchanged,
    import_enterprise,
    import_introducer,
    import_lead,
    import_project,
    required_ledger_no,
    text_of,
)
from core.models import ImportedRecord
from core.services.warnings import refreshes_deferred

if TYPE_CHECKING:
    from core.city import City

Progress = Callable[[int, int], None]

# Rows run together under one savepoint (see ``_import_rows``): a chunk with a row refused
# half-way is run again a savepoint per row, so a refused row costs at most this many again.
CHUNK_ROWS = 100


@dataclass
class ImportResult:
    kind: str
    file_name: str
    file_sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    committed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file_name": self.file_name, "file_sha256": self.file_sha256,
                "dry_run": self.dry_run, "rows": self.rows, "created": self.created,
                "unchanged": self.unchanged, "committed": self.committed,
                "problems": [problem.as_dict() for problem in self.problems]}


def row_digest(cells: dict[str, Any], children: list[tuple[str, dict[str, Any]]]) -> str:
    """The row as read (and a project's funds and milestones rows), whatever their order."""
    def plain(values: dict[str, Any]) -> dict[str, str]:
        return {key: text_of(value) for key, value in values.items() if value is not None}

    text = json.dumps([plain(cells), sorted(json.dumps([name, plain(values)], sort_keys=True,
                                                       ensure_ascii=False)
                                            for name, values in children)],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _open_transaction(session: Session) -> None:
    """Make sure the transaction is open before the first savepoint. pysqlite begins one only
    before a data change: a SAVEPOINT sent first would open none, and releasing it would commit
    the row at once — neither a dry run nor all-or-nothing."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.update(ImportedRecord).where(sa.false()).values(row=0))


def run_import(sessions: sessionmaker[Session], city: City, actor: Actor, kind: str,
               file_name: str, content: bytes, *, dry_run: bool,
               progress: Progress | None = None) -> ImportResult:
    result = ImportResult(kind, file_name, hashlib.sha256(content).hexdigest(), dry_run)
    sheets = sheets_of(city, kind)
    try:
        read = read_sheets(content, sheets)
    except UnreadableFile as exc:
        result.problems.append(ImportProblem("", 0, "", "file", "file.unreadable", str(exc)))
        return result
    for found in read:
        result.problems += [ImportProblem(found.sheet.title, 1, heading, "", "import.missing_column",
                                          f"工作表“{found.sheet.title}”缺少“{heading}”列")
                            for heading in found.missing]
    main, children = read[0], read[1:]
    result.rows = len(main.rows)
    session = sessions()
    try:
        _open_transaction(session)
        _import_rows(session, city, actor, kind, main, children, result, progress)
        if dry_run or result.problems:
            session.rollback()
        else:
            session.commit()
            result.committed = True
    finally:
        session.close()
    return result


def _children_by_key(children: list[SheetRows],
                     keys: set[str]) -> tuple[dict[str, dict], list[ImportProblem]]:
    """A project ledger's funds, milestones and the city's own records, by their project's
    台账编号."""
    names = {"到位资金": "funds", "节点": "milestones"}
    grouped: dict[str, dict[str, Any]] = {}
    problems = []
    for found in children:
        heading = found.sheet.columns[0].heading
        for row, cells in found.rows:
            key = text_of(cells[heading]) if cells.get(heading) is not None else None
            if key not in keys:
                problems.append(ImportProblem(
                    found.sheet.title, row, heading, LEDGER_NO, "import.unknown_project",
                    f"台账编号“{key or ''}”不是“项目”表中的项目"))
                continue
            # A city's own record sheet (``ledger_record_sheets``) goes by its title.
            name = names.get(found.sheet.title, found.sheet.title)
            part = grouped.setdefault(key, {}).setdefault(name, (found.sheet, []))
            part[1].append((row, cells))
    return grouped, problems


def _import_rows(session: Session, city: City, actor: Actor, kind: str, main: SheetRows,
                 children: list[SheetRows], result: ImportResult,
                 progress: Progress | None) -> None:
    ctx = Context(session, city, actor, city_choices(session, city), result.file_name)
    imported = {record.ledger_key: record for record in session.scalars(
        sa.select(ImportedRecord).where(ImportedRecord.kind == kind))}
    sheet = main.sheet
    keys: dict[str, int] = {}
    ledger_column = sheet.column_for(LEDGER_NO)
    if ledger_column is not None:
        for row, cells in main.rows:
            if cells.get(ledger_column.heading) is not None:
                keys.setdefault(text_of(cells[ledger_column.heading]), row)
    grouped, problems = _children_by_key(children, set(keys))
    result.problems += problems
    total = len(main.rows)
    # The rows' history and outbox events (and their imported_records rows) go out a chunk at
    # a time, one multi-row INSERT per table, instead of one INSERT each (core.deferred_rows).
    with refreshes_deferred(session, city) as refreshes, deferred_rows.rows_deferred(session):
        for start in range(0, total, CHUNK_ROWS):
            chunk = list(enumerate(main.rows[start:start + CHUNK_ROWS], start=start + 1))
            # Optimistic first: the chunk's rows without a savepoint each. A row refused by
            # the checks before its first write leaves nothing behind; a row refused by a
            # service half-way (or a conflict) would, so the chunk is undone and run again a
            # savepoint per row, which reports every row's own problems as before.
            kept = (len(result.problems), result.created, result.unchanged,
                    dict(ctx.seen_enterprises), dict(ctx.known_credit_codes()))
            savepoint = session.begin_nested()
            try:
                clean = _apply_rows(ctx, kind, main.sheet, chunk, grouped, keys, imported,
                                    result, progress, total, row_savepoints=False)
                if clean:
                    deferred_rows.release(session)
                    session.flush()
            except sa.exc.IntegrityError:
                clean = False
            if clean:
                savepoint.commit()
                continue
            savepoint.rollback()
            deferred_rows.discard(session)
            del result.problems[kept[0]:]
            result.created, result.unchanged = kept[1], kept[2]
            ctx.seen_enterprises, ctx.credit_codes = kept[3], kept[4]
            _apply_rows(ctx, kind, main.sheet, chunk, grouped, keys, imported, result, progress,
                        total, row_savepoints=True)
        if result.dry_run or result.problems:
            refreshes.clear()  # rolled back: nothing to refresh


def _apply_rows(ctx: Context, kind: str, sheet: Sheet, chunk: list[tuple[int, tuple[int, dict]]],
                grouped: dict[str, dict], keys: dict[str, int],
                imported: dict[str, ImportedRecord], result: ImportResult,
                progress: Progress | None, total: int, *, row_savepoints: bool) -> bool:
    """The chunk's rows; False (at once) when, without savepoints, a row failed after writing."""
    session = ctx.session
    ledger_column = sheet.column_for(LEDGER_NO)
    for done, (row, cells) in chunk:
        ctx.row_enterprise = None
        try:
            if kind == "enterprises":
                key = enterprise_key(cells, sheet)
                if key is None:
                    raise RowFailed([ImportProblem(sheet.title, row, "企业名称", "name", "required",
                                                   "此项为必填项")])
            elif (kind == "projects" and cells.get(RECORD_NO) is not None
                  and cells.get(ledger_column.heading) is None):
                exported_project_unchanged(ctx, sheet, row, cells)  # an export read back
                result.unchanged += 1
                continue
            else:
                key = required_ledger_no(cells, sheet, row)
                if keys.get(key) != row:
                    raise RowFailed([ImportProblem(
                        sheet.title, row, ledger_column.heading, LEDGER_NO, "import.duplicate_key",
                        f"台账编号“{key}”与第 {keys[key]} 行重复")])
            parts = grouped.get(key, {})
            digest = row_digest(cells, [(name, values) for name, (_sheet, rows) in parts.items()
                                        for _row, values in rows])
            earlier = imported.get(key)
            if earlier is not None:
                if earlier.row_digest != digest:
                    raise RowFailed([ImportProblem(
                        sheet.title, row, "", "", "import.changed",
                        f"{KIND_LABELS[kind]}“{key}”已于 {earlier.imported_at:%Y-%m-%d} 由文件"
                        f"“{earlier.file_name}”第 {earlier.row} 行导入，本行内容与当时不同；"
                        f"导入不覆盖系统中的记录，请在该记录页面修改")])
                result.unchanged += 1
                continue
            with session.begin_nested() if row_savepoints else contextlib.nullcontext():
                if kind == "projects":
                    record_id = import_project(ctx, sheet, row, cells, parts)
                else:
                    importer = {"leads": import_lead, "enterprises": import_enterprise,
                                "introducers": import_introducer}[kind]
                    record_id = importer(ctx, sheet, row, cells)
                # No flush of its own: held with the row's history and events until the
                # chunk's end (one INSERT for many rows where the database allows).
                deferred_rows.add(session, ImportedRecord(
                    kind=kind, ledger_key=key, record_id=record_id, row_digest=digest,
                    file_name=result.file_name[:255], file_sha256=result.file_sha256, row=row,
                    imported_by=ctx.actor.user))
                if row_savepoints:
                    deferred_rows.release(session)  # into the row's own savepoint
            ctx.row_imported()
            result.created += 1
        except RowFailed as failed:
            if not row_savepoints and failed.__cause__ is not None:
                return False  # refused by a service (``attempt``): it may have written
            if row_savepoints:
                deferred_rows.discard(session)  # the row's, rolled back with its savepoint
            result.problems += failed.problems
        except sa.exc.IntegrityError as exc:
            if not row_savepoints:
                return False
            deferred_rows.discard(session)
            result.problems.append(ImportProblem(sheet.title, row, "", "", "import.conflict",
                                                 f"本行与已有记录冲突：{exc.orig}"))
        finally:
            if progress is not None:
                progress(done, total)
    return True
