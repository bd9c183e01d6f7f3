"""What the league pages share: the QA managers' gate and choice form, and the CSV helpers."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property

from common.dates import in_trust_zone
from directory.permissions import roles_of

from ..choices import Measure, PeriodKind
from ..forms import LeagueChoiceForm
from ..permissions import may_view_league
from ..selectors import league as reads
from ..selectors.league.version import kept_under_version

CSV_TYPE = "text/csv; charset=utf-8"


def _as_at_text(moment: datetime.datetime | None) -> str:
    return in_trust_zone(moment).isoformat(timespec="seconds") if moment else ""


def _recompute_url() -> str:
    """Where a QA manager asks for the league tables to be worked out again now."""
    return reverse("surveys:rollup_recompute")


def _fmt(value: float | None, places: int = 3) -> str:
    return "" if value is None else f"{value:.{places}f}"


class QaManagerMixin(LoginRequiredMixin):
    """The trust-wide pages: QA managers of the trust only (403 for every other role)."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_view_league(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def trust_id(self) -> int:
        trust_id = roles_of(self.request.user).trust_id
        assert trust_id is not None
        return trust_id

    @cached_property
    def league_version(self) -> str:
        """The trust's league version, read once for the request."""
        return reads.league_version(trust_id=self.trust_id)

    @cached_property
    def kept(self) -> tuple[reads.LeagueOptions, datetime.datetime | None]:
        """The choices and the "as at" time, kept together under the league version: one read
        of the cache for both."""
        return kept_under_version(
            self.trust_id,
            "league-page",
            lambda: (
                reads.league_options(trust_id=self.trust_id, version=self.league_version),
                reads.as_at(trust_id=self.trust_id, version=self.league_version),
            ),
            version=self.league_version,
        )

    def chosen(self) -> tuple[LeagueChoiceForm | None, reads.LeagueChoice | None, bool]:
        """The choice form, the choice it makes (the default when nothing or something invalid
        is asked for) and whether the limits are widened. With nothing asked for, the form is
        built only if the page draws it (its HTML is kept under the league version)."""
        options = self.kept[0]
        if options.default is None:
            return None, None, False
        labels = {
            "kinds": dict(PeriodKind.choices),
            "measures": dict(Measure.choices),
            "domains": options.domain_labels(),
            "instruments": options.instrument_titles(),
        }
        default = options.default
        asked = "period_kind" in self.request.GET

        def build() -> LeagueChoiceForm:
            return LeagueChoiceForm(
                self.request.GET if asked else None,
                initial={
                    "period_kind": default.period_kind,
                    "period": default.period_start.isoformat(),
                    "instrument": default.instrument_key,
                    "domain": default.domain,
                    "measure": default.measure,
                },
                periods=options.periods,
                domains=options.domains,
                measures=options.measures,
                labels=labels,
            )

        if not asked:
            return SimpleLazyObject(build), default, False  # type: ignore[return-value]
        form = build()
        if form.is_valid():
            data = form.cleaned_data
            choice = options.choice(
                period_kind=data["period_kind"],
                period_start=datetime.date.fromisoformat(data["period"]),
                instrument_key=data["instrument"],
                domain=data["domain"],
                measure=data["measure"],
            )
            return form, choice, bool(data["overdispersion"])
        return form, default, False


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)
