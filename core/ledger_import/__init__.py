"""Importing a city's existing ledgers (台账): leads, projects, enterprises, introducers.

* :mod:`~core.ledger_import.layout` — each kind's sheets and columns (Chinese headings);
* :mod:`~core.ledger_import.template` — the downloadable template of a city;
* :mod:`~core.ledger_import.cells` — reading an uploaded workbook, cells as values (never
  formulas);
* :mod:`~core.ledger_import.rows` — one ledger row through the core's own services;
* :mod:`~core.ledger_import.run` — the dry run and the all-or-nothing commit;
* :mod:`~core.ledger_import.jobs` — a large file imported in the background, with progress.

docs/interface-apis.md, "Importing ledgers", says what a clerk and a program rely on.
"""

KINDS = ("leads", "projects", "enterprises", "introducers")
KIND_LABELS = {"leads": "线索", "projects": "项目", "enterprises": "企业", "introducers": "引荐人"}
