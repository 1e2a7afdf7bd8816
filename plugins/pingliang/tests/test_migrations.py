"""Pingliang's migration creates exactly its models' tables, on both backends."""

from __future__ import annotations

import plugins.pingliang.models  # noqa: F401 - registers the plugin's tables on the metadata
from core.testing.migrations import assert_migration_matches

TABLES = {"pingliang_opportunities", "pingliang_target_enterprises", "pingliang_listed_projects",
          "pingliang_policy_supports", "pingliang_targets", "pingliang_schedulings",
          "pingliang_shared_information", "pingliang_point_items"}


def test_the_migration_matches_the_models(pingliang, db_url):
    assert_migration_matches(pingliang, db_url, TABLES)
