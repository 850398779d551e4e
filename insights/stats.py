"""The arithmetic of satisfaction, in one place: CSAT, response rate and the Wilson interval.

satisfied = rating 4 or 5; csat = 100 × satisfied / responses; response_rate = responses / sent.
No responses means no CSAT (None, shown as "—"), never 0 and never a division error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from feedback.models import SATISFIED_RATINGS

Z_95 = 1.959963984540054
# Ratings at or above this are "satisfied" (4 and 5), for customer surveys and internal ratings alike.
SATISFIED_MIN = min(SATISFIED_RATINGS)


def min_responses() -> int:
    """Below this many responses the page says there are not enough to judge (setting, read at call time)."""
    return settings.INSIGHTS_MIN_RESPONSES


def answer_counts(surveys: QuerySet) -> tuple[int, int]:
    """(responses, satisfied) of any queryset of rated rows (a `rating` 1..5, null while unanswered)."""
    row = surveys.filter(rating__isnull=False).aggregate(
        responses=Count("pk"), satisfied=Count("pk", filter=Q(rating__gte=SATISFIED_MIN))
    )
    return row["responses"] or 0, row["satisfied"] or 0


def csat(satisfied: int, responses: int) -> float | None:
    if not responses:
        return None
    return round(100.0 * satisfied / responses, 1)


def response_rate(responses: int, sent: int) -> float | None:
    if not sent:
        return None
    return round(responses / sent, 4)


def share(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def wilson(satisfied: int, responses: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for satisfied/responses, in percent (one decimal); None without responses."""
    if not responses:
        return None
    n = responses
    p = satisfied / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = max(0.0, (centre - margin) / denominator)
    high = min(1.0, (centre + margin) / denominator)
    return round(100 * low, 1), round(100 * high, 1)


@dataclass
class Tally:
    """Counts for one group of surveys (a row of a breakdown, a bucket of the trend, a whole period)."""

    key: object = None
    label: str = ""
    sent: int = 0
    responses: int = 0
    satisfied: int = 0
    ratings: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    extra: dict = field(default_factory=dict)

    @property
    def csat(self) -> float | None:
        return csat(self.satisfied, self.responses)

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.responses, self.sent)

    @property
    def response_rate_percent(self) -> float | None:
        return share(self.responses, self.sent)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.satisfied, self.responses)

    @property
    def enough(self) -> bool:
        return self.responses >= min_responses()

    @property
    def distribution(self) -> list[dict]:
        return [
            {"rating": r, "count": c, "percent": share(c, self.responses)}
            for r, c in zip(range(1, 6), self.ratings, strict=True)
        ]

    def as_report(self) -> dict:
        """The contract's row for /api/reports/csat/."""
        return {
            "key": self.key,
            "label": str(self.label),
            "sent": self.sent,
            "responses": self.responses,
            "satisfied": self.satisfied,
            "csat": self.csat,
            "response_rate": self.response_rate,
        }


def money_per_satisfied(totals: dict[str, Decimal], satisfied: int) -> dict[str, Decimal | None]:
    """Money spent (per currency) divided by satisfied responses; None when nobody was satisfied."""
    return {
        currency: (total / satisfied).quantize(Decimal("0.01")) if satisfied else None
        for currency, total in sorted(totals.items())
    }
