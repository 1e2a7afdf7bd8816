"""A scan of a rendered page for what a Chinese office should never read: English words, raw
codes (``modern_services``, ``attributes.park_justification``), ``None``/``True``/``False``/
``null`` and ISO instants with their ``T`` (issue 25).

Only what a person sees is scanned: the page's text outside ``<script>`` and ``<style>``, and
the attributes read aloud or shown (``title``, ``aria-label``, ``placeholder``, ``alt``, a
button's ``value``). Other attribute values (links, field names, codes in ``value``) are the
machine's and are not.

Text inside ``<code>`` is not scanned either: a page puts there only records shown as written —
a username, a request path, a record reference (``leads/5``), a request id — which a person
copies or matches against, so translating them would make them wrong. Interface text never goes
in ``<code>`` (docs/web.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Words a Chinese government office writes in Latin letters itself. Keep this tiny: a word
# belongs here only when the office would write it so in a letter (see docs/web.md).
ALLOWED_WORDS = frozenset({
    "Excel",  # the office's name for a workbook: 导出Excel
    "xlsx",   # the file type named beside the import field (.xlsx)
})

HIDDEN_ELEMENTS = {"script", "style", "template"}
# Records shown as written (see the module's docstring): their text is not scanned.
RECORD_ELEMENTS = {"code"}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
BUTTON_TYPES = {"submit", "button", "reset"}

ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_CODE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+\b")
RAW_VALUES = frozenset({"None", "True", "False", "null", "true", "false", "none"})
# Letters joined to digits are part of a number the office writes so: a credit code
# (91430100MJ0000018D), a voucher or document number (YH-00042-00010). Data, not interface.
WORD = re.compile(r"(?<![A-Za-z0-9])(?<!\d-)[A-Za-z]{2,}(?![A-Za-z0-9])(?!-\d)")


@dataclass(frozen=True)
class Finding:
    kind: str  # "iso_instant", "raw_code", "raw_value", "english"
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} in …{self.context}…"


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.records = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
            return
        if tag in RECORD_ELEMENTS:
            self.records += 1
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in BUTTON_TYPES and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HIDDEN_ELEMENTS and tag not in RECORD_ELEMENTS:  # <code/> holds nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1
        elif tag in RECORD_ELEMENTS and self.records:
            self.records -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.records:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a person sees or hears on ``html``, in document order, spaces collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 30):end + 30]


def scan_text(text: str) -> list[Finding]:
    """Every finding in ``text`` (visible text), each distinct text once."""
    found: dict[tuple[str, str], Finding] = {}

    def add(kind: str, match: re.Match[str]) -> None:
        key = (kind, match.group(0))
        if key not in found:
            found[key] = Finding(kind, match.group(0), _context(text, match.start(), match.end()))

    for match in ISO_INSTANT.finditer(text):
        add("iso_instant", match)
    codes = list(RAW_CODE.finditer(text))
    for match in codes:
        add("raw_code", match)
    # The words of a raw code are reported with the code, not again one by one.
    in_codes = {index for match in codes for index in range(match.start(), match.end())}
    for match in WORD.finditer(text):
        if match.start() in in_codes:
            continue
        if match.group(0) in RAW_VALUES:
            add("raw_value", match)
        elif match.group(0) not in ALLOWED_WORDS:
            add("english", match)
    return list(found.values())


def scan_page(html: str) -> list[Finding]:
    """Every finding on a rendered page (see the module's docstring for what is scanned)."""
    return scan_text(visible_text(html))
