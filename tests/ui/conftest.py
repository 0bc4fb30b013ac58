"""UI tests that need a real hub use the hub tests' fixtures."""

from tests.hub.conftest import facilitator, hubs  # noqa: F401 (fixtures)
