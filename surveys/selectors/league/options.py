"""The league choices a trust has figures for, and when its figures were last worked out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Max, Min, Q, Subquery

from ...choices import PeriodKind, RollupStatus
from ...models import (
    RollupRun,
    TeamPeriodScore,
)
from ..checkins import BUILT_IN_KEY
from .shared import DomainInfos, _domain_info, _domain_order, _with_rule, domain_label, period_label
from .version import kept_under_version


@dataclass(frozen=True)
class LeagueChoice:
    """What a league table shows: one period of one kind, one instrument's domain and measure."""

    period_kind: str
    period_start: datetime.date
    instrument_key: str
    domain: str
    measure: str
    label: str = field(default="", compare=False)

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start)

    @property
    def domain_label(self) -> str:
        return self.label or domain_label(self.domain)


@dataclass(frozen=True)
class LeagueOptions:
    """What the trust has rows for, for the choice form; `default` is what to show first."""

    periods: dict[str, list[datetime.date]]  # newest first, per period kind
    domains: dict[str, list[str]]  # per instrument key
    measures: dict[tuple[str, str], list[str]]  # per (instrument key, domain)
    default: LeagueChoice | None
    infos: DomainInfos = field(default_factory=lambda: DomainInfos({}))
    titles: dict[str, str] = field(default_factory=dict)  # each instrument key's title

    def instrument_titles(self) -> dict[str, str]:
        """Each instrument's title for the choice form (its key where it is no longer stored)."""
        return {key: self.titles.get(key) or key for key in self.domains}

    def choice(
        self,
        *,
        period_kind: str,
        period_start: datetime.date,
        instrument_key: str,
        domain: str,
        measure: str,
    ) -> LeagueChoice:
        """A choice with its domain's label from the instrument's scoring rule."""
        return LeagueChoice(
            period_kind,
            period_start,
            instrument_key,
            domain,
            measure,
            label=self.infos.get(instrument_key, domain).label,
        )

    def domain_labels(self) -> dict[str, str]:
        """Each domain's label for the choice form (the built-in check-in's when names clash)."""
        labels: dict[str, str] = {}
        for key in sorted(self.domains, key=lambda k: k == BUILT_IN_KEY):
            for name in self.domains[key]:
                labels[name] = self.infos.get(key, name).label
        return labels


# What the choice form needs of each instrument, domain and measure, with its scoring rule.
_OPTION_COLUMNS = (
    "instrument_key",
    "domain",
    "measure",
    "rule_label",
    "rule_kind",
    "rule_higher",
    "rule_position",
    "rule_title",
)


def league_options(*, trust_id: int, version: str | None = None) -> LeagueOptions:
    """`read_league_options`, kept in the cache until the trust's rollup rows change
    (`version`: the trust's league version, when the caller has just read it)."""
    return kept_under_version(
        trust_id, "options", partial(read_league_options, trust_id=trust_id), version=version
    )


def read_league_options(*, trust_id: int) -> LeagueOptions:
    """The periods, instruments, domains and measures the trust's trust-wide rows cover, and how
    each domain is read: two queries, each over the trust's trust-wide rows through an index,
    the scoring rules looked up once per instrument, domain and measure (not once a row)."""
    trust_rows = TeamPeriodScore.objects.filter(trust_id=trust_id, team__isnull=True)
    periods: dict[str, set[datetime.date]] = {}
    for kind, start in trust_rows.order_by().values_list("period_kind", "period_start").distinct():
        periods.setdefault(kind, set()).add(start)
    one_of_each = (
        trust_rows.order_by()
        .values("instrument_key", "domain", "measure")
        .annotate(first=Min("pk"))
        .values("first")
    )
    rows = _with_rule(TeamPeriodScore.objects.filter(pk__in=Subquery(one_of_each))).values_list(
        *_OPTION_COLUMNS
    )
    domains: dict[str, set[str]] = {}
    measures: dict[tuple[str, str], set[str]] = {}
    infos = DomainInfos({})
    titles: dict[str, str] = {}
    for key, domain, measure, label, domain_kind, higher, position, title in rows:
        infos.add(key, _domain_info(domain, label, domain_kind, higher, position))
        if title:
            titles[key] = title
        domains.setdefault(key, set()).add(domain)
        measures.setdefault((key, domain), set()).add(measure)
    ordered_periods = {kind: sorted(days, reverse=True) for kind, days in periods.items()}
    ordered_domains = {
        key: sorted(names, key=partial(_domain_order, infos, key)) for key, names in domains.items()
    }
    default = None
    if ordered_periods and ordered_domains:
        kind = PeriodKind.MONTH if PeriodKind.MONTH in ordered_periods else next(iter(periods))
        key = BUILT_IN_KEY if BUILT_IN_KEY in ordered_domains else sorted(ordered_domains)[0]
        names = ordered_domains[key]
        # The first domain about the team's help (ranked by level), else the first wellbeing
        # domain as distance travelled.
        service = [name for name in names if infos.get(key, name).is_service]
        domain = service[0] if service else names[0]
        wanted = infos.get(key, domain).default_measure
        available = measures[(key, domain)]
        measure = wanted if wanted in available else sorted(available)[0]
        default = LeagueChoice(
            kind,
            ordered_periods[kind][0],
            key,
            domain,
            measure,
            label=infos.get(key, domain).label,
        )
    return LeagueOptions(
        periods=ordered_periods,
        domains=ordered_domains,
        measures={pair: sorted(values) for pair, values in measures.items()},
        default=default,
        infos=infos,
        titles=titles,
    )


def as_at(*, trust_id: int, version: str | None = None) -> datetime.datetime | None:
    """`read_as_at`, kept until the trust's league version changes (every rollup write and every
    finished run renews it)."""
    return kept_under_version(
        trust_id, "as-at", partial(read_as_at, trust_id=trust_id), version=version
    )


def read_as_at(*, trust_id: int) -> datetime.datetime | None:
    """When the figures were worked out: the latest finished rollup run covering the trust, or,
    without one, the newest row's computed time. At most two queries."""
    run = (
        RollupRun.objects.filter(Q(trust_id=trust_id) | Q(trust__isnull=True))
        .filter(status=RollupStatus.DONE, finished_at__isnull=False)
        .aggregate(latest=Max("finished_at"))["latest"]
    )
    if run is not None:
        return run
    return TeamPeriodScore.objects.filter(trust_id=trust_id).aggregate(latest=Max("computed_at"))[
        "latest"
    ]
