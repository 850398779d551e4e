"""Quarters as "2026Q3": parsing, bounds (aware datetimes, UTC) and neighbours."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from helpdesk.errors import DomainError

_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match((text or "").strip())
        if not match:
            raise DomainError(f"“{text}” is not a quarter; write it like 2026Q3.", field="quarter")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quarter:
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time.min, tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """Exclusive: the first moment of the next quarter."""
        return self.next.start

    def months(self) -> list[tuple[dt.datetime, dt.datetime]]:
        bounds = []
        for i in range(3):
            month = 3 * self.number - 2 + i
            start = dt.datetime(self.year, month, 1, tzinfo=dt.UTC)
            end = dt.datetime(self.year + (month == 12), month % 12 + 1, 1, tzinfo=dt.UTC)
            bounds.append((start, end))
        return bounds
