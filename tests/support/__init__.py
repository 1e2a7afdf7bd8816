"""Helpers shared by the suite's tests."""
