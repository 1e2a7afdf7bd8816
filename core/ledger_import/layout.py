"""Each ledger kind's sheets and columns: the template writes them, the import reads them.

A column names the payload field it fills (a dotted path of the API's request body, so the
API's own schema validates it) and how its cell is read: ``text``, ``date``, ``money``, or a
list of choices by name (``unit``, ``industry``, ``channel``, ``stage``, ``milestone``,
``introducer_kind`` — :mod:`core.choices`). The ledger's own number (台账编号) is ``ledger_no``;
an ``introducer`` cell names an entry of the 引荐人名录 by its name or credit code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.lifecycle import Stage

if TYPE_CHECKING:
    from marshmallow import Schema

    from core.city import City
    from core.permissions import Permission

LEDGER_NO = "ledger_no"
OPTIONS = "options"  # a column with choices of its own (``Column.options``)
LIST = "list"  # a city's list field (``list_fields``): one cell, its items separated by 、，,
LIST_SEPARATORS = ("、", "，", ",")
CHOICE_VALUES = ("unit", "industry", "channel", "stage", "milestone", "introducer_kind")
# A registry entry by its name or its credit code: the registry is open-ended and its names
# need not be unique, so it is no drop-down (a name two entries share asks for the code).
INTRODUCER_NAME = "introducer"


@dataclass(frozen=True)
class Column:
    heading: str
    field: str
    value: str = "text"  # text, date, money, attribute, list, introducer, or a CHOICE_VALUES
    required: bool = False
    note: str = ""
    # ``value == "options"``: the column's own choices, (code, Chinese name) pairs — a city's
    # record sheet names its codes (法规账 事项, 结论) with a drop-down of names like the others.
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]

    def column_for(self, field: str) -> Column | None:
        return next((column for column in self.columns if column.field == field), None)


@dataclass(frozen=True)
class RecordSheet(Sheet):
    """A city's own records of a project, as a sheet of its project ledger (the
    ``ledger_record_sheets`` hook): records a gate needs that are not project fields (Sanming's
    法规账). Its first column is the project's 台账编号; the other columns' fields are the body of
    the plugin's own operation, loaded by its ``schema``.

    ``record(session, city, project, data, actor)`` writes one row through the plugin's own
    service (its validation, time rules, history and events). ``permission`` is the rule of
    the operation a person would call, checked for the importing actor with the row's values as
    the request (``AccessRequest.view_args`` and ``body``). ``dated_by`` names the row's date
    field (required): the record is written before the project's stage moves dated on or after
    it, so a gate it satisfies passes exactly as it would by hand.
    """

    schema: type[Schema] | None = field(default=None, compare=False)
    record: Callable[..., Any] | None = field(default=None, compare=False)
    permission: Permission | None = field(default=None, compare=False)
    dated_by: str = ""


# Who introduced a lead or a project: its introducer's rewards and Lanzhou's 报备认定 follow it.
INTRODUCER_COLUMN = Column("引荐人", "intermediary_id", INTRODUCER_NAME,
                           note="引荐人名录中的名称或统一社会信用代码；须已登记（可先导入引荐人台账）")
LEDGER_NO_COLUMN = Column("台账编号", LEDGER_NO, required=True,
                          note="本台账中每条记录的编号，重复导入时据此识别同一条记录")
ENTERPRISE_COLUMNS = (
    Column("企业名称", "enterprise.name", required=True),
    Column("统一社会信用代码", "enterprise.credit_code", note="18 位；同一代码即同一企业"),
    Column("投资方省份", "enterprise.origin_province", note="有信用代码时以代码所在地为准"),
)
# The date each stage is entered on: 在谈 has no date column of its own on the project, so
# an empty 在谈日期 takes the next stage's date (a ledger rarely keeps it).
STAGE_DATE_COLUMNS = {
    Stage.NEGOTIATING: Column("在谈日期", "stage_dates.negotiating", "date",
                              note="空缺时取签约日期"),
    Stage.SIGNED: Column("签约日期", "stage_dates.signed", "date"),
    Stage.STARTED: Column("开工日期", "stage_dates.started", "date"),
    Stage.COMPLETED: Column("竣工投产日期", "stage_dates.completed", "date"),
    Stage.LOST: Column("终止日期", "stage_dates.lost", "date"),
    Stage.CLEARED: Column("清退日期", "stage_dates.cleared", "date"),
}

PROJECTS = Sheet("项目", (
    LEDGER_NO_COLUMN,
    Column("项目名称", "name", required=True),
    *ENTERPRISE_COLUMNS,
    Column("产业", "industry", "industry"),
    Column("计划总投资（万元）", "amount", "money", required=True),
    Column("协议投资额（万元）", "agreement_amount", "money", note="签约及以后阶段必填"),
    Column("招商单位", "finding_unit", "unit", required=True),
    Column("落户单位", "host_unit", "unit", note="空缺时同招商单位"),
    Column("招商方式", "channel", "channel"),
    INTRODUCER_COLUMN,
    Column("项目负责人", "leader_name"),
    Column("项目简介", "description"),
    Column("当前阶段", "stage", "stage", required=True),
    *STAGE_DATE_COLUMNS.values(),
))
FUNDS = Sheet("到位资金", (
    Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号"),
    Column("到位日期", "arrived_on", "date", required=True),
    Column("到位金额（万元）", "amount", "money", required=True),
    Column("凭证编号", "evidence_ref", required=True, note="银行回单等，全市唯一"),
    Column("出资方", "payer_name", required=True),
    Column("出资方统一社会信用代码", "payer_credit_code"),
))
MILESTONES = Sheet("节点", (
    Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号"),
    Column("节点", "kind", "milestone", required=True),
    Column("计划日期", "planned_on", "date", required=True),
    Column("实际日期", "actual_on", "date"),
))
LEADS = Sheet("线索", (
    LEDGER_NO_COLUMN,
    Column("线索名称", "title", required=True),
    *ENTERPRISE_COLUMNS,
    Column("产业", "industry", "industry"),
    Column("意向投资额（万元）", "intended_amount", "money"),
    Column("报送单位", "reporting_unit", "unit", required=True),
    Column("招商方式", "channel", "channel"),
    INTRODUCER_COLUMN,
    Column("报送日期", "reported_on", "date", required=True),
    Column("联系人", "contact_name"),
    Column("联系电话", "contact_phone"),
    Column("线索描述", "description"),
))
ENTERPRISES = Sheet("企业", (
    Column("企业名称", "name", required=True),
    Column("统一社会信用代码", "credit_code", note="有代码时据此识别同一企业，否则据规范化名称"),
    Column("投资方省份", "origin_province"),
    Column("投资方地区", "origin_region"),
))
INTRODUCERS = Sheet("引荐人", (
    LEDGER_NO_COLUMN,
    Column("名称", "name", required=True),
    Column("类别", "kind", "introducer_kind", required=True),
    Column("统一社会信用代码", "credit_code", note="中介机构必填"),
    Column("联系人", "contact_person"),
    Column("联系电话", "phone", required=True),
    Column("电子邮箱", "email"),
    Column("地址", "address"),
    Column("备注", "notes"),
))

# The project list's export (``GET /projects?format=xlsx``) read back as a ledger: its sheet and
# its headings for the fields a ledger has, and 编号, the system's own number of each record.
EXPORT_TITLES = {"项目": ("项目列表",)}
EXPORT_HEADINGS = {"总投资（万元）": "计划总投资（万元）", "阶段": "当前阶段", "竣工日期": "竣工投产日期",
                   "协议金额（万元）": "协议投资额（万元）", "包抓领导": "项目负责人"}
RECORD_NO = "编号"

SHEETS = {"leads": (LEADS,), "projects": (PROJECTS, FUNDS, MILESTONES),
          "enterprises": (ENTERPRISES,), "introducers": (INTRODUCERS,)}


def city_field_columns(city: City) -> tuple[Column, ...]:
    """The city's own project fields (``attributes.*`` with a label from ``field_labels``); a
    field the city declares a list (``list_fields``) is a cell of names separated by 、."""
    from core.gates import field_labels, list_fields

    lists = list_fields(city)
    return tuple(Column(label, path, LIST if path in lists else "attribute",
                        note="多个以顿号（、）分隔" if path in lists else "")
                 for path, label in field_labels(city).items() if path.startswith("attributes."))


def record_sheets(city: City) -> tuple[RecordSheet, ...]:
    """The city's own record sheets of a project ledger (the ``ledger_record_sheets`` hook)."""
    return tuple(city.call("ledger_record_sheets"))


def sheets_of(city: City, kind: str) -> tuple[Sheet, ...]:
    """The sheets of ``kind`` for ``city``: a project ledger carries the city's own fields and
    its own record sheets."""
    sheets = SHEETS[kind]
    if kind != "projects":
        return sheets
    main = Sheet(PROJECTS.title, PROJECTS.columns + city_field_columns(city))
    return (main, *sheets[1:], *record_sheets(city))
