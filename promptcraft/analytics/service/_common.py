"""Periods shared by the dashboards: the last N UTC days, and the N days before them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

RANGES = (7, 30, 90)


@dataclass(frozen=True)
class Period:
    """`days` days ending today (UTC), and the same number of days just before."""

    days: int
    today: date

    @classmethod
    def last(cls, days: int, today: date | None = None) -> Period:
        return cls(days, today or datetime.now(UTC).date())

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def previous_start_at(self) -> datetime:
        return datetime.combine(self.previous_start, time.min, tzinfo=UTC)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]


def change(current: float, previous: float) -> float | None:
    """The change in percent against the previous period; None when there was nothing before."""
    if not previous:
        return None
    return round((current - previous) / previous * 100, 1)


def direction(current: float, previous: float) -> str:
    if current > previous:
        return "up"
    return "down" if current < previous else "flat"
