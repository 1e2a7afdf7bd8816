"""search: trigram indexes for the lists' ``q`` (leads, projects, enterprises, introducers)

Revision ID: 0019
Revises: 0018
Written by hand. ``core.search`` matches any fragment of a name, a contact, or the start of a
credit code. PostgreSQL: the ``pg_trgm`` extension and a GIN index per searched column, which
``ILIKE '%…%'`` uses. SQLite: an FTS5 table per searched table with the ``trigram`` tokenizer,
its content read from the table itself (``content=``) and kept in step by three triggers; the
models' indexes of the same names are ordinary ones there (the models name them for
PostgreSQL, and models and migrations must agree on both databases).

A later SQLite migration that rebuilds one of these tables (``batch_alter_table`` copies it)
drops its triggers: it must create them again (:func:`create_sqlite_search`).
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# table → (columns matched by any fragment, credit code matched by prefix); written out here
# rather than read from core.search so this revision stays what it was (core.search.SEARCHED).
SEARCHED = {
    "leads": (("title", "contact_name", "contact_phone"), None),
    "projects": (("name",), None),
    "enterprises": (("name",), "credit_code"),
    "intermediaries": (("name", "contact_person", "phone"), "credit_code"),
}


def _indexed(table: str) -> tuple[str, ...]:
    columns, code = SEARCHED[table]
    return columns + ((code,) if code else ())


def create_sqlite_search(table: str, columns: tuple[str, ...]) -> None:
    """The FTS5 table over ``columns`` of ``table``, filled from its rows, and the triggers
    that keep it in step."""
    fts = f"{table}_search"
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
               f"content_rowid='id', tokenize='trigram')")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, (columns, _) in SEARCHED.items():
        for column in _indexed(table):
            if postgresql:
                op.create_index(f"ix_{table}_{column}_trgm", table, [column],
                                postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
            else:
                op.create_index(f"ix_{table}_{column}_trgm", table, [column])
        if not postgresql:
            create_sqlite_search(table, columns)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in SEARCHED:
        if not postgresql:
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_{trigger}")
            op.execute(f"DROP TABLE {table}_search")
        for column in _indexed(table):
            op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
    # The extension stays: other objects of the database may use it.
