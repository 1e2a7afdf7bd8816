"""Moved to the core's public testing support, :mod:`core.testing.demo`."""

from core.testing.demo import FORWARD_DATES, dated_after, demo_client_for

__all__ = ['FORWARD_DATES', 'dated_after', 'demo_client_for']
