"""League-table charts as SVG geometry worked out on the server (no script, no inline style):
a team's interval as a bar, the funnel plot, and the XmR chart. Templates draw what these return;
every chart is shown with a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..statistics import Funnel, FunnelLimits, PointType, XmrChart


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    kind: str = "plain"  # a css modifier: plain, above, below, improvement, concern, neutral

    @property
    def shape(self) -> str:
        """Signals differ by shape as well as colour: up triangles for high or improvement,
        squares for low or concern, diamonds for neutral signals, circles otherwise."""
        if self.kind in ("above", "improvement"):
            return "triangle"
        if self.kind in ("below", "concern"):
            return "square"
        return "diamond" if self.kind == "neutral" else "circle"

    @property
    def triangle(self) -> str:
        x, y = self.x, self.y
        return f"{x},{round(y - 6, 1)} {round(x - 6, 1)},{round(y + 5, 1)} {round(x + 6, 1)},{round(y + 5, 1)}"

    @property
    def square_x(self) -> float:
        return round(self.x - 5, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class Line:
    points: str
    kind: str


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    dots: list[Dot]
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title: str
    y_title: str


def _nice_range(values: Sequence[float], *, pad: float = 0.05) -> tuple[float, float]:
    low, high = min(values), max(values)
    if math.isclose(low, high):
        low, high = low - 0.5, high + 0.5
    span = high - low
    return low - span * pad, high + span * pad


def _ticks(low: float, high: float, count: int = 5, *, percent: bool = False) -> list[float]:
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    values = []
    value = first
    while value <= high + 1e-9:
        values.append(round(value, 6))
        value += step
    return values


def _fmt(value: float, *, percent: bool = False) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"


# --- an interval as a bar -------------------------------------------------------------------


@dataclass(frozen=True)
class IntervalBar:
    width: int
    height: int
    low: float
    high: float
    mean: float
    target: float | None


def interval_bars(
    rows: Sequence[tuple[float | None, float | None, float | None]],
    *,
    target: float | None,
    width: int = 160,
    height: int = 20,
) -> tuple[list[IntervalBar | None], tuple[float, float] | None]:
    """(mean, ci_low, ci_high) per row placed on one shared scale; None for a suppressed row."""
    values = [v for row in rows for v in row if v is not None]
    if target is not None:
        values.append(target)
    if not values:
        return [None for _ in rows], None
    low, high = _nice_range(values)

    def x_of(value: float) -> float:
        return round(4 + (width - 8) * (value - low) / (high - low), 1)

    bars: list[IntervalBar | None] = []
    for mean, ci_low, ci_high in rows:
        if mean is None:
            bars.append(None)
            continue
        bars.append(
            IntervalBar(
                width=width,
                height=height,
                low=x_of(ci_low if ci_low is not None else mean),
                high=x_of(ci_high if ci_high is not None else mean),
                mean=x_of(mean),
                target=x_of(target) if target is not None else None,
            )
        )
    return bars, (low, high)


# --- funnel plots ---------------------------------------------------------------------------

WIDTH, HEIGHT = 560, 320
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 44

BAND_KIND = {
    "above_99_8": "above",
    "above_95": "above",
    "within": "plain",
    "below_95": "below",
    "below_99_8": "below",
}


def funnel_plot(
    funnel: Funnel,
    *,
    labels: dict[str, str],
    curve: Sequence[FunnelLimits],
    percent: bool = False,
    x_title: str = "Number of responses",
    y_title: str = "Mean",
) -> Plot | None:
    """Each placed unit's value against its count, with the target and the 95% and 99.8%
    limit curves (`curve`, one row per n)."""
    placed = [unit for unit in funnel.units if unit.value is not None]
    if not placed or not curve:
        return None
    max_n = max(limits.n for limits in curve)
    shown_curve = [limits for limits in curve if limits.n >= max(2, max_n // 40)]
    values = [unit.value for unit in placed if unit.value is not None] + [funnel.target]
    values += [limits.lower_998 for limits in shown_curve[:1]]
    values += [limits.upper_998 for limits in shown_curve[:1]]
    low, high = _nice_range(values)
    if percent:
        low, high = max(0.0, low), min(1.0, high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(n: float) -> float:
        return round(LEFT + plot_w * n / max_n, 1)

    def y_of(value: float) -> float:
        clipped = min(max(value, low), high)
        return round(TOP + plot_h * (1 - (clipped - low) / (high - low)), 1)

    def polyline(attr: str) -> str:
        return " ".join(f"{x_of(c.n)},{y_of(getattr(c, attr))}" for c in shown_curve)

    lines = [
        Line(f"{x_of(0)},{y_of(funnel.target)} {x_of(max_n)},{y_of(funnel.target)}", "target"),
        Line(polyline("lower_95"), "limit95"),
        Line(polyline("upper_95"), "limit95"),
        Line(polyline("lower_998"), "limit998"),
        Line(polyline("upper_998"), "limit998"),
    ]
    dots = [
        Dot(
            x_of(unit.count),
            y_of(unit.value),
            f"{labels.get(unit.key, unit.key)}: {_fmt(unit.value, percent=percent)}, {unit.count}",
            BAND_KIND.get(unit.band.value, "plain"),
        )
        for unit in placed
        if unit.value is not None
    ]
    return Plot(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        dots=dots,
        lines=lines,
        x_ticks=[Tick(x_of(v), _fmt(v)) for v in _ticks(0, max_n) if v == int(v)],
        y_ticks=[Tick(y_of(v), _fmt(v, percent=percent)) for v in _ticks(low, high)],
        x_title=x_title,
        y_title=y_title,
    )


# --- XmR charts -----------------------------------------------------------------------------

POINT_KIND = {
    PointType.COMMON_CAUSE: "plain",
    PointType.IMPROVEMENT: "improvement",
    PointType.CONCERN: "concern",
    PointType.NEUTRAL_HIGH: "neutral",
    PointType.NEUTRAL_LOW: "neutral",
}


def xmr_plot(chart: XmrChart, *, labels: Sequence[str], two_sigma: bool = True) -> Plot | None:
    """Points in order with each segment's mean, process limits and (optionally) two-sigma
    lines; special-cause points carry a kind the template draws in colour and shape."""
    if not chart.points:
        return None
    values = [point.value for point in chart.points]
    for segment in chart.segments:
        values += [v for v in (segment.lower_limit, segment.upper_limit) if v is not None]
    low, high = _nice_range(values)
    count = len(chart.points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(index: float) -> float:
        if count == 1:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * index / (count - 1), 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / (high - low)), 1)

    lines: list[Line] = []
    for segment in chart.segments:
        start, end = x_of(segment.start), x_of(max(segment.end - 1, segment.start))
        if start == end:
            start, end = start - 6, end + 6
        lines.append(Line(f"{start},{y_of(segment.mean)} {end},{y_of(segment.mean)}", "mean"))
        named = [("lower_limit", "limit"), ("upper_limit", "limit")]
        if two_sigma:
            named += [("lower_two_sigma", "sigma"), ("upper_two_sigma", "sigma")]
        for attr, kind in named:
            value = getattr(segment, attr)
            if value is not None:
                lines.append(Line(f"{start},{y_of(value)} {end},{y_of(value)}", kind))
    lines.append(Line(" ".join(f"{x_of(p.index)},{y_of(p.value)}" for p in chart.points), "series"))
    dots = [
        Dot(
            x_of(point.index),
            y_of(point.value),
            f"{labels[point.index]}: {_fmt(point.value)}",
            POINT_KIND[point.point_type],
        )
        for point in chart.points
    ]
    step = max(1, math.ceil(count / 6))
    return Plot(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        dots=dots,
        lines=lines,
        x_ticks=[Tick(x_of(i), labels[i]) for i in range(0, count, step)],
        y_ticks=[Tick(y_of(v), _fmt(v)) for v in _ticks(low, high)],
        x_title="Month",
        y_title="Mean",
    )
