"""The database backends the suite runs every database test on."""

from __future__ import annotations

import os

# ``ZHAOSHANG_TEST_BACKENDS=sqlite`` narrows a local run; CI runs both.
BACKENDS = os.environ.get("ZHAOSHANG_TEST_BACKENDS", "sqlite,postgresql").split(",")
