"""Moved to the core's public testing support, :mod:`core.testing.databases`."""

from core.testing.databases import BACKENDS

__all__ = ['BACKENDS']
