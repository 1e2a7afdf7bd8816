"""Moved to the core's public testing support, :mod:`core.testing.web_pages`."""

from core.testing.web_pages import dig, served_pages

__all__ = ['dig', 'served_pages']
