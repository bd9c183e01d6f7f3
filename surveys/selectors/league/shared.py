"""What the league reads share: suppression, domain names and order, period names, the trust's
figures and the funnel plots a league and a team's positions are banded by."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from ...choices import Domain, DomainKind, Measure, PeriodKind
from ...models import (
    Item,
    ScoringRule,
    TeamPeriodScore,
)
from ...statistics import (
    Band,
    Funnel,
    Rollup,
    mean_funnel,
    proportion_funnel,
)

# Only for rows whose instrument is no longer stored: each instrument's scoring rules say which
# of its domains are about how the person is doing.
_BUILT_IN_WELLBEING = frozenset({Domain.HOPE, Domain.CONTROL, Domain.OPPORTUNITY})

BAND_WORDS = {
    Band.ABOVE_998: "Well above the trust (beyond 99.8% limit)",
    Band.ABOVE_95: "Above the trust (beyond 95% limit)",
    Band.WITHIN: "Within the limits",
    Band.BELOW_95: "Below the trust (beyond 95% limit)",
    Band.BELOW_998: "Well below the trust (beyond 99.8% limit)",
    Band.SUPPRESSED: "Too few responses",
}


def suppression_threshold() -> int:
    return int(settings.LEAGUE_SUPPRESSION_THRESHOLD)


def domain_label(domain: str) -> str:
    try:
        return str(Domain(domain).label)
    except ValueError:
        return domain.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class DomainInfo:
    """How an instrument's scoring rule says one domain is read: its name, its kind and which way
    is better."""

    domain: str
    label: str
    kind: str
    higher_is_better: bool = True
    position: int = 0  # the number of the domain's first statement: the check-in's own order

    @property
    def default_measure(self) -> str:
        # Domains about how the person is doing are compared as distance travelled, never as raw
        # levels ranked: a team that works with people who are more unwell is not a worse team.
        return Measure.CHANGE if self.kind == DomainKind.WELLBEING else Measure.LEVEL

    @property
    def is_service(self) -> bool:
        return self.kind == DomainKind.SERVICE


def _domain_info(
    domain: str,
    label: str | None,
    kind: str | None,
    higher_is_better: bool | None,
    position: int | None = None,
) -> DomainInfo:
    """A domain's reading from its scoring rule's columns, annotated on a row by `_RULE`; a domain
    whose instrument is no longer stored is read as the built-in check-in would read it."""
    if kind is None:
        kind = DomainKind.WELLBEING if domain in _BUILT_IN_WELLBEING else DomainKind.SERVICE
    return DomainInfo(
        domain=domain,
        label=label or domain_label(domain),
        kind=kind,
        higher_is_better=True if higher_is_better is None else higher_is_better,
        position=_fallback_position(domain) if position is None else position,
    )


def _fallback_position(domain: str) -> int:
    order = [Domain.HOPE, Domain.CONTROL, Domain.OPPORTUNITY]
    return order.index(Domain(domain)) if domain in order else 10_000


def _annotated_info(row: TeamPeriodScore) -> DomainInfo:
    """The reading of a row fetched through `_with_rule`."""
    return _domain_info(
        row.domain,
        getattr(row, "rule_label", None),
        getattr(row, "rule_kind", None),
        getattr(row, "rule_higher", None),
        getattr(row, "rule_position", None),
    )


@dataclass(frozen=True)
class DomainInfos:
    """Domain readings per instrument key, from the newest version's scoring rules."""

    by_key: dict[str, dict[str, DomainInfo]]

    def get(self, instrument_key: str, domain: str) -> DomainInfo:
        found = self.by_key.get(instrument_key, {}).get(domain)
        return found if found is not None else _domain_info(domain, None, None, None)

    def add(self, instrument_key: str, info: DomainInfo) -> None:
        self.by_key.setdefault(instrument_key, {})[info.domain] = info


def _with_rule(rows: QuerySet[TeamPeriodScore]) -> QuerySet[TeamPeriodScore]:
    """The scoring rule of each rollup row's domain (the instrument's newest version), as columns
    of the rows' own query, so reading it costs no query of its own."""
    newest = ScoringRule.objects.filter(
        instrument__key=OuterRef("instrument_key"), domain=OuterRef("domain")
    ).order_by("-instrument__version")
    return rows.annotate(
        rule_label=Subquery(newest.values("label")[:1]),
        rule_kind=Subquery(newest.values("kind")[:1]),
        rule_higher=Subquery(newest.values("higher_is_better")[:1]),
        rule_title=Subquery(newest.values("instrument__title")[:1]),
        rule_position=Subquery(
            Item.objects.filter(
                instrument__key=OuterRef("instrument_key"), domain=OuterRef("domain")
            )
            .order_by("-instrument__version", "number")
            .values("number")[:1]
        ),
    )


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"Quarter from {start:%B %Y}"
    if kind == PeriodKind.ROLLING_12:
        return f"12 months from {start:%B %Y}"
    return f"{start:%B %Y}"


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class TrustFigures:
    """The trust-wide row: the target of the funnel."""

    responses: int
    people: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    response_rate: float | None
    suppressed: bool


def _trust_figures(row: TeamPeriodScore | None) -> TrustFigures | None:
    if row is None:
        return None
    return TrustFigures(
        responses=row.responses,
        people=row.people,
        mean=_f(row.mean),
        sd=_f(row.sd),
        ci_low=_f(row.ci_low),
        ci_high=_f(row.ci_high),
        response_rate=_f(row.response_rate),
        suppressed=row.suppressed,
    )


def _funnels(
    team_rows: list[TeamPeriodScore],
    trust: TrustFigures | None,
    *,
    overdispersion: bool,
    threshold: int,
) -> tuple[Funnel | None, Funnel | None]:
    funnel = None
    if trust is not None and not trust.suppressed and trust.mean is not None and trust.sd:
        funnel = mean_funnel(
            units={
                str(row.team_id): Rollup(
                    count=row.responses,
                    total=float(row.total),
                    total_squares=float(row.total_squares),
                )
                for row in team_rows
            },
            target=trust.mean,
            sd=trust.sd,
            overdispersion=overdispersion,
            threshold=threshold,
        )
    rated = {
        str(row.team_id): (min(row.people, row.caseload), row.caseload)
        for row in team_rows
        if row.caseload
    }
    rate_funnel = None
    if rated and sum(n for _, n in rated.values()):
        target = trust.response_rate if trust is not None else None
        rate_funnel = proportion_funnel(units=rated, target=target, threshold=threshold)
    return funnel, rate_funnel


def _domain_order(infos: DomainInfos, instrument_key: str, domain: str) -> tuple[int, int, str]:
    """Service domains first (they are what the league ranks), each kind in the check-in's own
    order."""
    info = infos.get(instrument_key, domain)
    return (0 if info.is_service else 1, info.position, domain)
