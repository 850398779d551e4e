import pytest

from webhooks.tests.sink import Sink


@pytest.fixture
def sink(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Sink()
    yield server
    server.stop()
