"""Moved to the core's public testing support, :mod:`core.testing.migrations`."""

from core.testing.migrations import assert_migration_matches

__all__ = ['assert_migration_matches']
