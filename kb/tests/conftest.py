import pytest
from django.core.cache import cache

from kb import services


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def write(lead):
    """Write an article as the lead (published and public unless told otherwise)."""

    def make(title: str, body: str = "", *, language: str = "en", **fields):
        fields.setdefault("published", True)
        return services.create_article(
            by=lead, title=title, body=body or f"<p>{title}</p>", language=language, **fields
        )

    return make
