"""Enterprise names reduced to a key for spotting the same investor entered twice.

``normalise_enterprise_name`` maps spellings of one name to one key; it is a matching key, never
shown. The choices, each on the side of not merging two different enterprises:

* Unicode NFKC first, so full-width letters, digits, spaces and brackets (（）［］Ａ１) become
  their ASCII forms; then every whitespace character is removed ("兰州 某某" = "兰州某某").
* Bracket characters are removed but their content is kept: "华为技术（深圳）有限公司" and
  "华为技术(深圳)有限公司" both give "华为技术深圳". The content often tells enterprises apart
  (a place, a branch), so it stays.
* The separators "·・•.,、-_" are removed ("可口可乐·中国" = "可口可乐中国", "Coca-Cola" =
  "cocacola"); other punctuation such as "&" carries meaning and stays.
* Legal-form suffixes are dropped, repeatedly, longest first: 股份有限公司, 有限责任公司,
  有限公司, 有限合伙, 集团, 公司 — so 某某集团股份有限公司, 某某集团有限公司, 某某集团 and
  某某有限公司 all give 某某. "分公司" is kept: a branch is not its head office. A name that
  is nothing but a legal form is kept whole rather than reduced to nothing.
* Leading region prefixes (甘肃、兰州市…) are NOT removed: "兰州某某有限公司" and
  "天水某某有限公司" are usually different companies.
* Latin letters are lower-cased. Latin legal forms (Co., Ltd., Inc.) are not dropped: without
  word boundaries (spaces are gone) the risk of cutting a real name is too high.
"""

from __future__ import annotations

import re
import unicodedata

_REMOVED = re.compile(r"[\s()\[\]【】〔〕·・•.,、\-_]")
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "有限合伙", "集团", "公司")
_BRANCH = "分公司"


def normalise_enterprise_name(name: str) -> str:
    """The matching key of an enterprise name (see the module docstring); "" for a blank
    name."""
    key = _REMOVED.sub("", unicodedata.normalize("NFKC", name)).lower()
    while not key.endswith(_BRANCH):
        suffix = next((s for s in _LEGAL_FORMS if key.endswith(s)), None)
        if suffix is None or len(key) == len(suffix):
            break
        key = key[: -len(suffix)]
    return key


__all__ = ["normalise_enterprise_name"]
