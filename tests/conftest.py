"""The suite's fixtures are in the repository root's ``conftest.py``, shared with plugin tests."""

from tests.support.databases import BACKENDS  # noqa: F401 - older imports of tests.conftest
