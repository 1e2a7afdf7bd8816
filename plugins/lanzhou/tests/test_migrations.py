"""Lanzhou's hand-written migration creates exactly its models' tables, on both backends."""

from __future__ import annotations

import plugins.lanzhou.models  # noqa: F401 - registers the plugin's tables on the metadata
from core.testing.migrations import assert_migration_matches

TABLES = {"lanzhou_registrations", "lanzhou_penalties", "lanzhou_targets", "lanzhou_promotions",
          "lanzhou_registration_changes"}


def test_the_migration_matches_the_models(lanzhou, db_url):
    assert_migration_matches(lanzhou, db_url, TABLES)
