"""With REDIS_URL the cache outlives a test's database: the engine's cached rule list and the top bar's
cached availability must not leak from one test (or run) into the next."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()
