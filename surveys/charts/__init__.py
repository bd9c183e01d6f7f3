"""A small line chart drawn as SVG on the server: no script, no inline style, so the CSP holds.

The template draws what `line_chart` returns; the same numbers are always shown in a table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 30


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_bottom: int


def line_chart(
    series: list[tuple[datetime.date, Decimal | None]], *, low: int, high: int
) -> Chart | None:
    """Place each dated score; a missing score leaves a gap in the points, not a zero."""
    present = [(day, value) for day, value in series if value is not None]
    if not present:
        return None
    first, last = present[0][0], present[-1][0]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: datetime.date) -> float:
        if first == last:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y_of(value: Decimal | float) -> float:
        return round(TOP + plot_h * (1 - (float(value) - low) / (high - low)), 1)

    points = [Point(x_of(day), y_of(value), f"{day:%-d %b %Y}: {value}") for day, value in present]
    x_ticks = [Tick(x_of(first), f"{first:%b %Y}")]
    if last != first:
        x_ticks.append(Tick(x_of(last), f"{last:%b %Y}"))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=[
            Tick(y_of(v), str(v)) for v in range(low, high + 1, max(1, -(-(high - low) // 5)))
        ],
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
    )
