"""The path and query the gateway decides on are the path and query it forwards.

The WSGI server decodes a request path's percent-escapes once (``%2e%2e`` → ``..``, ``%2f`` →
``/``). :class:`NormalisedPaths` then normalises that path before Flask routes it, before any
rate limit, role or city decision and before the audit log sees it: empty segments (``//``)
and ``.`` segments go, ``..`` takes the segment before it away. A path is refused (400
``bad_path``) when it

* climbs above the root, or out of its city (``/api/v1/cities/<city>/…``), the province's
  (``/api/v1/province/…``) or a city page's (``/web/c/<city>/…``) prefix — a ``..`` never
  turns one city into another;
* still carries an escape after the one decoding (``%252e`` → ``%2e``, ``%2f``, ``%5c``) or a
  backslash: something further along could decode it into ``..`` or a separator.

The forwarded query string is made canonical (:func:`canonical_query`) so that the HTTP
client sends it byte for byte as the gateway signed it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from typing import Any

from core.problems import Problem

ENVIRON_KEY = "zhaoshang.bad_path"  # why the request's path was refused, for the gateway's hook
ORIGINAL_KEY = "zhaoshang.original_path"
# Escapes that would still mean a dot or a separator to whoever decodes them next.
_SMUGGLED = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
# Segments a ``..`` must not take away: the area's prefix (matched on the path as sent).
_PROTECTED: tuple[tuple[str | None, ...], ...] = (
    ("api", "v1", "cities", None), ("api", "v1", "province"), ("web", "c", None))
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# What a query string keeps as it is; everything else is percent-encoded (as requests would).
_QUERY_KEEP = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,/:;=?@")
_HEX = frozenset(string.hexdigits)


class BadPath(ValueError):
    """A path the gateway will not forward; the message says why (Chinese)."""


def bad_path(reason: str) -> Problem:
    return Problem(400, "bad_path", "请求路径无效", reason)


def _protected_length(segments: list[str]) -> int:
    """How many leading segments of the path as sent form its area's prefix (the area's
    fixed segments, and its city when one follows)."""
    for prefix in _PROTECTED:
        fixed = len(prefix) - (prefix[-1] is None)
        if segments[:fixed] == list(prefix[:fixed]):
            named = prefix[-1] is None and len(segments) > fixed and segments[fixed] != ".."
            return fixed + named
    return 0


def normalise_path(path: str) -> str:
    """``path`` (percent-escapes decoded once) without ``//``, ``.`` and ``..``.

    :class:`BadPath` when it climbs out of its prefix or above the root, or still carries an
    escape of a dot or a separator. A trailing slash is kept (``/web/`` is a page).
    """
    if "\\" in path or "\x00" in path:
        raise BadPath("路径中不能含有反斜杠或控制字符")
    if _SMUGGLED.search(path):
        raise BadPath("路径中含有编码后的“.”或“/”（如 %2e、%2f），请使用普通路径")
    sent = [segment for segment in path.split("/") if segment not in ("", ".")]
    keep = _protected_length(sent)
    resolved: list[str] = []
    for segment in sent:
        if segment != "..":
            resolved.append(segment)
            continue
        if len(resolved) <= keep:
            raise BadPath("路径不能用“..”跳出所访问的城市或区域" if keep
                          else "路径不能用“..”越过根目录")
        resolved.pop()
    normal = "/" + "/".join(resolved)
    if path.endswith("/") and resolved:
        normal += "/"
    return normal


def canonical_query(query: bytes | str) -> str:
    """The query string as the HTTP client will send it, unchanged by its re-quoting.

    Escapes of unreserved characters are decoded (``%41`` → ``A``), other escapes get
    upper-case hex, characters a query may not hold are percent-encoded (UTF-8).
    """
    raw = query.encode("latin-1", "replace") if isinstance(query, str) else query
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = chr(raw[index])
        if char == "%" and index + 2 < len(raw) and chr(raw[index + 1]) in _HEX \
                and chr(raw[index + 2]) in _HEX:
            value = int(raw[index + 1:index + 3], 16)
            out.append(chr(value) if chr(value) in _UNRESERVED else f"%{value:02X}")
            index += 3
            continue
        out.append(char if char in _QUERY_KEEP else f"%{raw[index]:02X}")
        index += 1
    return "".join(out)


class NormalisedPaths:
    """WSGI middleware: routing and everything after it see the normalised path only.

    A path that cannot be normalised keeps a harmless stand-in and is refused by the
    gateway's first hook (``ENVIRON_KEY``), so the refusal is a problem like any other,
    with the security headers, the request id and an audit entry.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        try:
            normal = normalise_path(path)
        except BadPath as refused:
            environ[ENVIRON_KEY] = str(refused)
            normal = "/api/v1/bad-path"
        if normal != path:
            environ[ORIGINAL_KEY] = path
            environ["PATH_INFO"] = normal
        return self.app(environ, start_response)
