"""Sanming's hand-written migration creates exactly its models' tables, on both backends."""

from __future__ import annotations

import plugins.sanming.models  # noqa: F401 - registers the plugin's tables on the metadata
from core.testing.migrations import assert_migration_matches

TABLES = {"sanming_park_resources", "sanming_rolling_checks", "sanming_accountability_cases",
          "sanming_tax_settlements", "sanming_meetings"}


def test_the_migration_matches_the_models(sanming, db_url):
    assert_migration_matches(sanming, db_url, TABLES)
