"""The demo's tests reuse the apps' fixtures."""

from mailroom.tests.conftest import queues  # noqa: F401
