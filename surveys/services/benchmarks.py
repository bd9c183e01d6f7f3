"""Importing another instance's aggregate file of whole-trust figures (docs/benchmark-file.md).

The file is checked line by line; any bad line stops the import and is reported by its line
number, so a file is taken whole or not at all.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from directory.audit import AuditContext
from directory.models import Trust

from ..choices import Measure, PeriodKind
from ..models import ExternalBenchmark
from ..permissions import may_view_league

BENCHMARK_FORMAT = "recovery-care-benchmark/1"
BENCHMARK_HEADER = (
    "format",
    "as_at",
    "trust_name",
    "ods_code",
    "period_kind",
    "period_start",
    "period_end",
    "instrument_key",
    "domain",
    "measure",
    "responses",
    "mean",
    "ci_low",
    "ci_high",
    "suppressed",
)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class BenchmarkLine:
    as_at: datetime.datetime
    trust_name: str
    ods_code: str
    period_kind: str
    period_start: datetime.date
    period_end: datetime.date
    instrument_key: str
    domain: str
    measure: str
    responses: int
    mean: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    suppressed: bool


def _decimal(text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' is not a number") from exc


def _line(row: dict[str, str]) -> BenchmarkLine:
    if row["format"] != BENCHMARK_FORMAT:
        raise ValueError(f"the format must be {BENCHMARK_FORMAT}")
    if row["period_kind"] not in PeriodKind.values:
        raise ValueError(f"unknown period kind '{row['period_kind']}'")
    if row["measure"] not in Measure.values:
        raise ValueError(f"unknown measure '{row['measure']}'")
    if row["suppressed"] not in ("true", "false"):
        raise ValueError("suppressed must be true or false")
    if not row["trust_name"].strip():
        raise ValueError("the trust name is missing")
    try:
        as_at = datetime.datetime.fromisoformat(row["as_at"])
        start = datetime.date.fromisoformat(row["period_start"])
        end = datetime.date.fromisoformat(row["period_end"])
        responses = int(row["responses"])
    except ValueError as exc:
        raise ValueError(f"a date, time or count cannot be read ({exc})") from exc
    if as_at.tzinfo is None:
        raise ValueError("the as-at time must give its offset from UTC")
    if end <= start or responses < 0:
        raise ValueError("the period or count is impossible")
    suppressed = row["suppressed"] == "true"
    mean, low, high = _decimal(row["mean"]), _decimal(row["ci_low"]), _decimal(row["ci_high"])
    if suppressed and (mean is not None or low is not None or high is not None):
        raise ValueError("a suppressed row must leave its mean and interval empty")
    if not suppressed and mean is None:
        raise ValueError("the mean is missing")
    return BenchmarkLine(
        as_at=as_at,
        trust_name=row["trust_name"].strip()[:200],
        ods_code=row["ods_code"].strip()[:10],
        period_kind=row["period_kind"],
        period_start=start,
        period_end=end,
        instrument_key=row["instrument_key"],
        domain=row["domain"],
        measure=row["measure"],
        responses=responses,
        mean=mean,
        ci_low=low,
        ci_high=high,
        suppressed=suppressed,
    )


def benchmark_file_parse(text: str) -> tuple[list[BenchmarkLine], list[str]]:
    """The file's lines, or messages naming each bad line (line 1 is the header)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != BENCHMARK_HEADER:
        return [], ["Line 1: the header is not the benchmark file's header (see its format)."]
    lines: list[BenchmarkLine] = []
    errors: list[str] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            errors.append(f"The file has more than {MAX_ROWS} lines.")
            break
        if None in row or any(value is None for value in row.values()):
            errors.append(f"Line {number}: it does not have {len(BENCHMARK_HEADER)} columns.")
            continue
        try:
            lines.append(_line(row))
        except ValueError as exc:
            errors.append(f"Line {number}: {exc}.")
    if not lines and not errors:
        errors.append("The file has no figures in it.")
    return lines, errors


@transaction.atomic
def benchmark_import(*, trust: Trust, lines: list[BenchmarkLine], audit: AuditContext) -> int:
    """Store another trust's rows for `trust`'s QA managers; a row imported again is replaced.
    A file naming the importing trust itself is refused."""
    if audit.actor is None or not may_view_league(audit.actor):
        raise ValidationError("Only a QA manager may import another trust's figures.")
    if any(line.trust_name == trust.name for line in lines):
        raise ValidationError("This file holds your own trust's figures.")
    for line in lines:
        ExternalBenchmark.objects.update_or_create(
            trust=trust,
            trust_name=line.trust_name,
            period_kind=line.period_kind,
            period_start=line.period_start,
            instrument_key=line.instrument_key,
            domain=line.domain,
            measure=line.measure,
            defaults={
                "ods_code": line.ods_code,
                "period_end": line.period_end,
                "responses": line.responses,
                "mean": line.mean,
                "ci_low": line.ci_low,
                "ci_high": line.ci_high,
                "suppressed": line.suppressed,
                "as_at": line.as_at,
                "imported_by": audit.actor,
            },
        )
    return len(lines)
