"""Search by a fragment: the ``q`` of the lists of leads, projects, enterprises and introducers.

A clerk types part of a Chinese name (two characters are enough), the start of a credit code or
part of a contact (person or phone). The record matches when any of its searched columns
contains the fragment; a credit code matches by its prefix only (a code's middle digits mean
nothing to a person). Matches are ranked: the fragment equal to a name first, then names that
start with it, then the rest; within each, the most recent first.

Indexed on both databases for a fragment of three characters or more (migration 0019):

* PostgreSQL: a ``pg_trgm`` GIN index on every searched column; ``ILIKE '%…%'`` uses it for a
  fragment of three characters or more.
* SQLite: an FTS5 table per searched table, ``tokenize='trigram'``, kept in step by triggers;
  a fragment of three characters or more is looked up there (``MATCH``).

Neither index can answer a two-character fragment (a trigram needs three), so on both
databases it is matched by a case-insensitive ``LIKE`` on the table itself: a scan, whose cost
grows with the table (docs/interface-apis.md; docs/benchmarks.md has the figures, and a bigram
index tried and not kept).

Each searched table answers a ``SELECT id`` (:func:`matching_ids`), used as ``id IN (…)``: the
lookup runs once per request, never once per row, and a lead or project also matches by its
enterprise's name or code (``enterprise_id IN (…)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from core.input_rules import LIKE_ESCAPE, like_pattern

MIN_LENGTH = 2
MAX_LENGTH = 100
TRIGRAM = 3  # the shortest fragment SQLite's trigram tokenizer can look up
# What a credit code's start looks like: digits and capital letters, so "91" or "9162".
CODE_PREFIX = re.compile(r"[0-9A-Za-z]{2,18}")


@dataclass(frozen=True)
class Searched:
    """A searched table: the text columns matched by any fragment, the code matched by prefix."""

    table: str
    columns: tuple[str, ...]
    code: str | None = None

    @property
    def fts(self) -> str:
        """The SQLite FTS5 table over :attr:`columns`."""
        return f"{self.table}_search"

    def index(self, column: str) -> str:
        """The name of ``column``'s trigram index (a plain index on SQLite, see 0019)."""
        return f"ix_{self.table}_{column}_trgm"


LEADS = Searched("leads", ("title", "contact_name", "contact_phone"))
PROJECTS = Searched("projects", ("name",))
ENTERPRISES = Searched("enterprises", ("name",), code="credit_code")
INTERMEDIARIES = Searched("intermediaries", ("name", "contact_person", "phone"), code="credit_code")
SEARCHED = (LEADS, PROJECTS, ENTERPRISES, INTERMEDIARIES)


class folded_like(FunctionElement[bool]):  # noqa: N801 - a SQL function, named as one
    """``column`` matches the ``LIKE`` pattern (``\\`` its escape) whatever the case of its
    letters: ``ILIKE`` on PostgreSQL. SQLite's ``ILIKE`` is ``lower(column) LIKE lower(pattern)``,
    but its ``LIKE`` already ignores the case of ASCII letters, the only ones its ``lower()``
    folds: the same match, without a ``lower()`` for every row of a scan (four times cheaper)."""

    type = sa.Boolean()
    name = "folded_like"
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition: no "= 1" after it where booleans are integers


class folded_equals(FunctionElement[bool]):  # noqa: N801 - a SQL function, named as one
    """``column`` equals ``text`` whatever the case of its letters: ``lower()`` of both, or on
    SQLite ``COLLATE NOCASE``, which folds the ASCII letters as its ``lower()`` does."""

    type = sa.Boolean()
    name = "folded_equals"
    inherit_cache = True
    _is_implicitly_boolean = True


@compiles(folded_like)
def _ilike(element: folded_like, compiler: Any, **kw: Any) -> str:
    column, pattern = element.clauses
    return compiler.process(column.ilike(pattern, escape=LIKE_ESCAPE), **kw)


@compiles(folded_like, "sqlite")
def _sqlite_like(element: folded_like, compiler: Any, **kw: Any) -> str:
    column, pattern = element.clauses
    return compiler.process(column.like(pattern, escape=LIKE_ESCAPE), **kw)


@compiles(folded_equals)
def _lower_equals(element: folded_equals, compiler: Any, **kw: Any) -> str:
    column, text = element.clauses
    return compiler.process(sa.func.lower(column) == sa.func.lower(text), **kw)


@compiles(folded_equals, "sqlite")
def _sqlite_equals(element: folded_equals, compiler: Any, **kw: Any) -> str:
    column, text = element.clauses
    return compiler.process(column == text.collate("NOCASE"), **kw)


def trigram_indexes(searched: Searched) -> tuple[sa.Index, ...]:
    """The model's side of the trigram indexes (``__table_args__``), so models and migration
    agree: GIN with ``gin_trgm_ops`` on PostgreSQL."""
    return tuple(sa.Index(searched.index(column), column, postgresql_using="gin",
                          postgresql_ops={column: "gin_trgm_ops"})
                 for column in searched.columns + ((searched.code,) if searched.code else ()))


def search_text(text: str | None) -> str | None:
    """The fragment as matched: trimmed; ``None`` when nothing is left."""
    text = (text or "").strip()
    return text or None


def _table(searched: Searched) -> sa.TableClause:
    columns = ("id", *searched.columns) + ((searched.code,) if searched.code else ())
    return sa.table(searched.table, *(sa.column(name) for name in columns))


def matching_ids(session: Session, searched: Searched, text: str) -> sa.Select:
    """``SELECT id`` of the rows of ``searched`` that contain ``text`` (or whose code starts
    with it), through the database's own index where it has one."""
    table = _table(searched)
    if session.get_bind().dialect.name == "sqlite" and len(text) >= TRIGRAM:
        fts = sa.table(searched.fts, sa.column("rowid"))
        # A quoted FTS5 string: the fragment as typed, operators and all, matched literally.
        phrase = '"' + text.replace('"', '""') + '"'
        query = sa.select(fts.c.rowid.label("id")).where(sa.literal_column(searched.fts).op(
            "MATCH")(phrase))
    else:
        pattern = like_pattern(text)
        query = sa.select(table.c.id).where(sa.or_(
            *(folded_like(table.c[name], pattern) for name in searched.columns)))
    if searched.code and CODE_PREFIX.fullmatch(text):
        query = sa.union(query, sa.select(table.c.id).where(
            table.c[searched.code].like(text.upper() + "%")))
    return query


def rank(text: str, names: tuple[Any, ...], codes: tuple[Any, ...] = ()) -> sa.Case:
    """0 when a name (or code) is the fragment, 1 when one starts with it, else 2: ascending
    puts the closest matches first."""
    pattern = like_pattern(text)[1:]  # "text%" with the wildcards of the text escaped
    exact = [folded_equals(name, text) for name in names]
    prefix = [folded_like(name, pattern) for name in names]
    if CODE_PREFIX.fullmatch(text):
        exact += [code == text.upper() for code in codes]
        prefix += [code.like(text.upper() + "%") for code in codes]
    return sa.case((sa.or_(*exact), 0), (sa.or_(*prefix), 1), else_=2)


__all__ = ["ENTERPRISES", "INTERMEDIARIES", "LEADS", "MIN_LENGTH", "PROJECTS", "SEARCHED",
           "Searched", "matching_ids", "rank", "search_text", "trigram_indexes"]
