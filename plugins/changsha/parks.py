"""Park positioning (园区产业定位) and the projects that do not fit it.

一(三): 按照国家级园区“两主一特”、省级园区“一主一特”的产业功能分区，明确主导产业，
避免同质化竞争. Each park's leading (主导) and specialty (特色) industries are
configured in ``[[plugins.changsha.parks]]``; how many of each a level needs is
``positioning`` (default national 2+1, provincial 1+1). A project whose industry is
neither leading nor specialty in its host park is tiered ``park_mismatch`` and may
not be signed until ``attributes.park_justification`` records why it lands there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.toolkit import City, FieldProblem, Project, Refusal, Report
from plugins.changsha.settings import PARK_LEVELS, settings
from plugins.changsha.wording import listing

PARK_MISMATCH = "park_mismatch"
JUSTIFICATION = "park_justification"
KIND_LABELS = {"leading": "主导产业", "specialty": "特色产业"}


@dataclass(frozen=True)
class ParkMismatch:
    """A project's industry that is not among its host park's industries."""

    park_code: str
    park_name: str
    park_level: str | None
    industry: str
    leading: tuple[str, ...]
    specialty: tuple[str, ...]

    def describe(self, city: City) -> str:
        """The park and its positioning in words, for refusals and reports."""
        level = PARK_LEVELS.get(self.park_level or "", "")
        return (f"{self.park_name}（{level}园区）的产业定位为主导产业"
                f"{listing([city.industry_name(c) or c for c in self.leading])}、特色产业"
                f"{listing([city.industry_name(c) or c for c in self.specialty])}，"
                f"项目所属产业“{city.industry_name(self.industry) or self.industry}”不在其中")


def park_positioning(city: City, unit_code: str) -> dict[str, Any] | None:
    """The configured positioning of a park, or None when it has none."""
    return next((p for p in settings(city)["parks"] if p["unit"] == unit_code), None)


def configured_unit(city: City, code: str) -> dict[str, Any] | None:
    return next((u for u in city.config["units"] if u["code"] == code), None)


def unit_name(city: City, code: str) -> str:
    unit = configured_unit(city, code)
    return unit["name"] if unit else code


def park_mismatch(city: City, project: Project) -> ParkMismatch | None:
    """The mismatch between a project's industry and its host park, if there is one.

    Only parks with a configured positioning judge fit; a project without an
    industry yet cannot be judged (the core gate asks for it before talks).
    """
    if project.industry is None or project.host_unit is None or project.host_unit.kind != "park":
        return None
    positioning = park_positioning(city, project.host_unit.code)
    if positioning is None:
        return None
    if project.industry in positioning["leading"] or project.industry in positioning["specialty"]:
        return None
    return ParkMismatch(park_code=project.host_unit.code, park_name=project.host_unit.name,
                        park_level=project.host_unit.park_level, industry=project.industry,
                        leading=tuple(positioning["leading"]),
                        specialty=tuple(positioning["specialty"]))


def justification(project: Project) -> str | None:
    value = (project.attributes or {}).get(JUSTIFICATION)
    return value.strip() if isinstance(value, str) and value.strip() else None


def signing_refusals(city: City, project: Project, target: str) -> list[Refusal]:
    """Refuse signing a park-mismatched project that has no recorded justification."""
    if target != "signed" or justification(project):
        return []
    mismatch = park_mismatch(city, project)
    if mismatch is None:
        return []
    return [Refusal("changsha.park_mismatch",
                    f"{mismatch.describe(city)}；签约前须记录落户理由")]


def justification_problems(attributes: dict[str, Any]) -> list[FieldProblem]:
    """A recorded justification is readable text, not an empty or odd value."""
    if JUSTIFICATION not in attributes or attributes[JUSTIFICATION] is None:
        return []
    value = attributes[JUSTIFICATION]
    if not isinstance(value, str) or not value.strip():
        return [FieldProblem(f"attributes.{JUSTIFICATION}", "changsha.park_justification.blank",
                             "落户理由应为文字说明，不能为空")]
    return []


def _problem(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _count_problems(city: City, level: str | None, positioning: dict[str, Any]) -> list[dict]:
    required = settings(city)["positioning"].get(level or "")
    if required is None:
        return [_problem("level_unknown", "园区未设置级别（国家级/省级），无法核对产业定位")]
    problems = []
    for kind in ("leading", "specialty"):
        have, want = len(positioning[kind]), required[kind]
        if have < want:
            problems.append(_problem("incomplete", f"{KIND_LABELS[kind]}应为 {want} 个，只配置了 {have} 个"))
        elif have > want:
            problems.append(_problem("doubled", f"{KIND_LABELS[kind]}应为 {want} 个，配置了 {have} 个"))
    return problems


def _park_row(city: City, unit: dict[str, Any], leading_owners: dict[str, list[str]]) -> dict:
    positioning = park_positioning(city, unit["code"])
    row: dict[str, Any] = {"unit": unit["code"], "name": unit["name"],
                           "level": unit["park_level"],
                           "level_label": PARK_LEVELS.get(unit["park_level"] or "")}
    if positioning is None:
        required = settings(city)["positioning"].get(unit["park_level"] or "")
        return row | {"leading": [], "specialty": [], "required": required, "shared": {},
                      "status": "unconfigured",
                      "problems": [_problem("unconfigured", "未配置产业定位（主导产业、特色产业）")]}
    problems = _count_problems(city, unit["park_level"], positioning)
    named = positioning["leading"] + positioning["specialty"]
    unknown = [code for code in named if code not in city.industries]
    if unknown:
        problems.insert(0, _problem("unknown_industry", f"产业 {listing(unknown)} 不在本市产业目录中"))
    if unit["industries"] and sorted(unit["industries"]) != sorted(named):
        problems.append(_problem("units_disagree",
                                 "与单位配置中的主导产业（units.industries）不一致"))
    # 避免同质化竞争: a leading industry several parks lead is worth a look, not an error.
    shared = {code: [o for o in leading_owners[code] if o != unit["code"]]
              for code in positioning["leading"] if len(leading_owners[code]) > 1}
    order = ("unknown_industry", "level_unknown", "doubled", "incomplete", "units_disagree")
    status = next((code for code in order if any(p["code"] == code for p in problems)), "complete")
    return row | {"leading": positioning["leading"], "specialty": positioning["specialty"],
                  "required": settings(city)["positioning"].get(unit["park_level"] or ""),
                  "shared": shared, "status": status, "problems": problems}


def positioning_report(city: City) -> list[dict[str, Any]]:
    """Every park with its positioning, the counts its level requires and what is wrong.

    ``status`` is ``complete``, ``incomplete`` (fewer industries than the level
    needs), ``doubled`` (more), ``unconfigured``, ``unknown_industry``,
    ``level_unknown``, ``units_disagree`` or ``not_a_park`` (a positioning for a
    unit that is not a configured park).
    """
    leading_owners: dict[str, list[str]] = {}
    for park in settings(city)["parks"]:
        for code in park["leading"]:
            leading_owners.setdefault(code, []).append(park["unit"])
    parks = [unit for unit in city.config["units"] if unit["kind"] == "park"]
    rows = [_park_row(city, unit, leading_owners) for unit in parks]
    park_codes = {unit["code"] for unit in parks}
    for positioning in settings(city)["parks"]:
        if positioning["unit"] not in park_codes:
            unit = configured_unit(city, positioning["unit"])
            rows.append({"unit": positioning["unit"], "name": unit["name"] if unit else None,
                         "level": None, "level_label": None,
                         "leading": positioning["leading"], "specialty": positioning["specialty"],
                         "required": None, "shared": {}, "status": "not_a_park",
                         "problems": [_problem("not_a_park",
                                               f"单位 {positioning['unit']} 不是本市配置的园区")]})
    return rows


POSITIONING_COLUMNS = (
    ("unit", "园区编码"), ("name", "园区"), ("level_label", "级别"), ("leading", "主导产业"),
    ("specialty", "特色产业"), ("status", "核对结果"), ("problems", "问题"), ("shared", "同质化提示"),
)
STATUS_LABELS = {"complete": "符合", "incomplete": "定位不全", "doubled": "定位超数",
                 "unconfigured": "未配置", "unknown_industry": "产业不在目录",
                 "level_unknown": "级别未设置", "units_disagree": "与单位配置不一致",
                 "not_a_park": "非园区单位"}


def positioning_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The positioning check as a report a reader can print."""
    city = context.city

    def names(codes: list[str]) -> str:
        return listing([city.industry_name(code) or code for code in codes])

    return [{
        "unit": row["unit"], "name": row["name"], "level_label": row["level_label"],
        "leading": names(row["leading"]), "specialty": names(row["specialty"]),
        "status": STATUS_LABELS[row["status"]],
        "problems": "；".join(p["message"] for p in row["problems"]) or None,
        "shared": "；".join(
            f"{city.industry_name(code)}：与{listing([unit_name(city, o) for o in others])}相同"
            for code, others in row["shared"].items()) or None,
    } for row in positioning_report(city)]


def positioning_report_definition() -> Report:
    return Report("changsha_parks", "园区产业定位核对（两主一特、一主一特）", POSITIONING_COLUMNS,
                  positioning_rows)


def park_fit_rows(city: City, project: Project) -> list[dict[str, Any]]:
    """The project page's 园区产业定位 section: whether the project fits its host park and, when
    it does not, the justification signing needs (one row; none when no park judges it)."""
    mismatch = park_mismatch(city, project)
    if mismatch is None:
        return []
    return [{"park": mismatch.park_name, "positioning": mismatch.describe(city),
             "justification": justification(project) or "未记录",
             "ready": justification(project) is not None}]
