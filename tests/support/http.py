"""Moved to the core's public testing support, :mod:`core.testing.http`."""

from core.testing.http import ApiClient, call

__all__ = ['ApiClient', 'call']
