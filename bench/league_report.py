"""The league benchmark's figures: each measure with its target, printed as one table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    label: str
    value: float | None
    unit: str
    target: str = ""
    passed: bool | None = None
    note: str = ""


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        value = "n/a" if figure.value is None else f"{figure.value:,.2f} {figure.unit}"
        print(f"  {figure.label}: {value} {figure.note}", flush=True)
        return figure

    def print(self) -> None:
        print("\n" + "=" * 100)
        print(f"{'figure':<52} {'value':>16}  {'target':<18} result")
        for f in self.figures:
            value = "n/a" if f.value is None else f"{f.value:,.2f} {f.unit}"
            result = {True: "PASS", False: "FAIL", None: ""}[f.passed]
            print(f"{f.label:<52} {value:>16}  {f.target:<18} {result} {f.note}")


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float]]:
    """Median wall time in ms over `repeats` runs, and every run's time."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), runs
