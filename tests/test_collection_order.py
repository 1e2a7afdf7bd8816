"""Any subset of the suite collects, in any order (issue 23).

``tests/province`` is named like the top-level ``province`` package: collected with the test
directory put first on ``sys.path`` it was imported *as* ``province``, and a run that had
already imported the real one failed (``No module named 'province.test_province'``). The
suite is a package (``tests/__init__.py``) imported by path (``--import-mode=importlib`` in
``pyproject.toml``), so the order and the choice of paths no longer matter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The collection's own listing is read: options the outer run was given (PYTEST_ADDOPTS=-v
# turns the list into a tree) must not change it.
ENV = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}

SUBSETS = [
    ("plugins/changsha", "tests/province"),
    ("tests/province", "plugins/changsha"),
    ("tests/gateway", "plugins/lanzhou/tests", "core"),
    # tests/events imports the real province before tests/province is collected.
    ("tests/events", "tests/province", "tests/test_layering.py"),
]


@pytest.mark.parametrize("paths", SUBSETS, ids=["+".join(paths) for paths in SUBSETS])
def test_a_subset_of_the_suite_collects_in_the_order_given(paths: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", *paths],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-4000:]
    assert " collected" in report and "rror" not in report.split(" collected")[-1], report[-4000:]
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    for path in paths:
        if path != "core":  # the core holds no tests: its path is there to be walked
            assert any(line.startswith(path) for line in collected), path


def test_the_suite_s_province_tests_do_not_replace_the_province_package() -> None:
    probe = ("import sys, pytest\n"
             "class Probe:\n"
             "    def pytest_collection_finish(self, session):\n"
             "        print('PROVINCE', sys.modules['province'].__file__)\n"
             "sys.exit(pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider',\n"
             "                      'tests/gateway/test_gateway_dead_letters.py', 'tests/province'],\n"
             "                     plugins=[Probe()]))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert f"PROVINCE {ROOT / 'province' / '__init__.py'}" in done.stdout, done.stdout[-2000:]
