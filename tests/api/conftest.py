"""Fixtures the API tests share."""
from tests.api.test_disputes import place  # noqa: F401 (a cell and the people above it, for the desk tests too)
