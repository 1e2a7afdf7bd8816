"""A city's ledger template: the sheets of a kind with Chinese headings, drop-downs of names.

Each column of choices (units, industries, channels, stages, milestones, introducer kinds)
gets a list validation referring to a hidden sheet, 选项, that holds the city's names — a
list typed into the validation itself is limited to 255 characters, a city's units are not.
A 说明 sheet says what each column takes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.choices import Choice, city_choices, column_choice
from core.ledger_import import KIND_LABELS
from core.ledger_import.layout import CHOICE_VALUES, OPTIONS, sheets_of
from core.xlsx import sheet_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

DATA_ROWS = 5000  # rows a drop-down covers below the heading
VALUE_NOTES = {"date": "日期（如 2024-03-01）", "money": "数字，单位万元", "text": "文本",
               "attribute": "本市字段", "list": "本市字段（多项）",
               "introducer": "引荐人名称或统一社会信用代码"}


def template_workbook(session: Session, city: City, kind: str) -> bytes:
    choices = city_choices(session, city)
    book = Workbook()
    options = book.active
    options.title = "选项"
    options.sheet_state = "hidden"
    ranges: dict[str, str] = {}

    def listed(key: str, choice: Choice) -> None:
        index = len(ranges) + 1
        letter = get_column_letter(index)
        names = list(choice.names.values())
        options.cell(1, index, choice.label)
        for row, shown in enumerate(names, start=2):
            options.cell(row, index, shown)
        ranges[key] = f"'选项'!${letter}$2:${letter}${max(2, len(names) + 1)}"

    for name in CHOICE_VALUES:
        listed(name, choices[name])
    notes: list[tuple[str, str, str]] = []
    for sheet in sheets_of(city, kind):
        page = book.create_sheet(sheet_title(sheet.title))
        page.append([column.heading for column in sheet.columns])
        page.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            page.cell(1, index).font = Font(bold=True, color="C00000" if column.required else None)
            page.column_dimensions[letter].width = max(12, 2 * len(column.heading) + 2)
            # A city's record sheet lists its own codes' names (法规账 事项, 结论) on 选项 too.
            key = column.value
            if column.value == OPTIONS:
                key = f"{sheet.title}.{column.heading}"
                choices[key] = column_choice(column)
                listed(key, choices[key])
            if key in ranges:
                check = DataValidation(type="list", formula1=f"={ranges[key]}",
                                       allow_blank=not column.required, showErrorMessage=True,
                                       errorTitle="不在可选范围内",
                                       error=f"请从下拉列表中选择{choices[key].label}")
                check.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
                page.add_data_validation(check)
            what = (f"从下拉列表选择{choices[key].label}名称" if key in ranges
                    else VALUE_NOTES.get(column.value, "文本"))
            notes.append((sheet.title, column.heading,
                          "；".join(filter(None, ["必填" if column.required else "", what,
                                                  column.note]))))
    about = book.create_sheet("说明")
    about.append(["工作表", "列", "填写说明"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for line in notes:
        about.append(list(line))
    about.append([])
    about.append(["", "", f"{city.name}{KIND_LABELS[kind]}台账导入模板：第 1 行为表头，请勿修改；"
                          "红色表头为必填列。名称须与下拉列表一致；以 = 开头的单元格按文本读取，"
                          "不计算公式。先“试导入”查看问题清单，无误后再正式导入；"
                          "重复导入同一台账不会重复登记。"])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 24
    about.column_dimensions["C"].width = 80
    book.move_sheet(options, offset=len(book.sheetnames))
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
