import datetime as dt
import zoneinfo

import pytest

from insights.periods import Period

UTC = dt.UTC
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3, tz=UTC) -> dt.datetime:
    """An instant in March 2026 (before Europe's DST change on the 29th: Athens is UTC+2)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def march():
    return Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), UTC)


@pytest.fixture
def staff_client(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as
