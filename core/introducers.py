"""引荐人名录: the people and organisations who introduce investment, and what rules read of them.

An entry (``core.models.Intermediary``, table ``intermediaries``) is of one kind — 中介机构
(``firm``, with its unified social credit code), 顾问 (``advisor``), 招商大使 (``ambassador``) or
个人 (``individual``) — holds the city roles its city declares (``[[introducer_roles]]`` in the
configuration: 金牌顾问, 招商大使, 委托招商机构…) and carries the public-official status
(是否国家公职人员) only the office confirms. Leads and projects name it by ``intermediary_id``
(:func:`check_intermediary`); a reward rule that must never pay a state public official asks
:func:`public_official_status` and refuses ``unknown`` as well as ``yes``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from core.policy import FieldProblem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

INTERMEDIARY_KINDS = {"firm": "中介机构", "advisor": "顾问", "ambassador": "招商大使",
                      "individual": "个人"}
STATUSES = {"active": "在册", "inactive": "已停用"}
PUBLIC_OFFICIAL = {"yes": "是国家公职人员", "no": "非国家公职人员", "unknown": "未确认"}
UNCONFIRMED_REASON = "公职人员身份未确认"

# 11-digit mobiles (1[3-9]…), optionally +86; landlines with a 3–4 digit area code starting 0,
# 7–8 digits and an optional extension; 400/800 service numbers.
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?")
_SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}")
PHONE_MESSAGE = "电话应为11位手机号（如 13912345678）或带区号的固定电话（如 0931-8123456）"


def normalise_phone(text: str) -> str | None:
    """The phone as stored (ASCII, no spaces or brackets), or None when it is not a Chinese mobile,
    landline or 400/800 number."""
    phone = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", text))
    phone = phone.replace("—", "-").replace("－", "-")
    if _MOBILE.fullmatch(phone):
        return phone.removeprefix("+").removeprefix("86") if len(phone) > 11 else phone
    if _LANDLINE.fullmatch(phone) or _SERVICE.fullmatch(phone):
        return phone
    return None


def declared_roles(city: City) -> dict[str, dict[str, Any]]:
    """The roles the city declares (``[[introducer_roles]]``): ``{code: {name, kinds}}``."""
    return {role["code"]: role for role in city.config.get("introducer_roles", [])}


def role_problems(city: City, kind: str, roles: list[str]) -> list[FieldProblem]:
    """Each role that the city does not declare, or that the entry's kind may not hold."""
    declared = declared_roles(city)
    problems = []
    for code in roles:
        role = declared.get(code)
        if role is None:
            choices = "、".join(f"{c}（{r['name']}）" for c, r in declared.items()) or "本市未设角色"
            problems.append(FieldProblem("roles", "intermediary.role_unknown",
                                         f"本市没有“{code}”这一角色，可选：{choices}"))
        elif role["kinds"] and kind not in role["kinds"]:
            allowed = "、".join(INTERMEDIARY_KINDS.get(k, k) for k in role["kinds"])
            problems.append(FieldProblem(
                "roles", "intermediary.role_kind",
                f"“{role['name']}”只能由{allowed}担任，不能由{INTERMEDIARY_KINDS.get(kind, kind)}担任"))
    return problems


def check_intermediary(session: Session, intermediary_id: int | None,
                       field: str = "intermediary_id") -> list[FieldProblem]:
    """The problem with naming ``intermediary_id`` as who introduced a lead or project: none when
    it is empty or an active entry of the registry."""
    from core.models import Intermediary

    if intermediary_id is None:
        return []
    # Ids are 32-bit columns: a larger number names nobody (and must not reach PostgreSQL).
    row = session.get(Intermediary, intermediary_id) if 0 < intermediary_id < 2**31 else None
    if row is None:
        return [FieldProblem(field, "intermediary.unknown",
                             f"引荐人 {intermediary_id} 不在引荐人名录中，请先登记")]
    if row.status != "active":
        return [FieldProblem(field, "intermediary.inactive",
                             f"引荐人“{row.name}”（{intermediary_id}）已停用，不能再作为引荐人")]
    return []


def public_official_status(session: Session, recipient_type: str, recipient_id: int | None,
                           declared: bool = False) -> str:
    """Whether a reward's recipient is a state public official: ``yes``, ``no`` or ``unknown``.

    ``declared`` is what the rule itself says (``RewardCandidate.is_public_official``): True is
    ``yes`` whatever else is known. An entry of the registry answers its confirmed status, and
    ``unknown`` until the office confirms it — a rule excluding officials must not pay then
    (:data:`UNCONFIRMED_REASON`). A unit's person answers from its flag; other recipients
    (units, teams, enterprises) are never persons holding office: ``no``.
    """
    from core.models import Intermediary, Person

    if declared:
        return "yes"
    if recipient_id is None:
        return "no"
    if recipient_type == "intermediary":
        row = session.get(Intermediary, recipient_id)
        return row.public_official if row is not None else "unknown"
    if recipient_type == "person":
        person = session.get(Person, recipient_id)
        return "yes" if person is not None and person.is_public_official else "no"
    return "no"


__all__ = ["INTERMEDIARY_KINDS", "PUBLIC_OFFICIAL", "STATUSES", "UNCONFIRMED_REASON",
           "check_intermediary", "declared_roles", "normalise_phone", "public_official_status",
           "role_problems"]
