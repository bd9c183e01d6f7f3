"""The network dashboard: where referrals lead, for network coordinators and QA managers."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from common.dates import trust_today
from directory.models import User
from surveys.charts import line_chart

from ..permissions import may_view_dashboard
from ..selectors import dashboard, lived_experience_shares, network_list
from .base import NetworksPageMixin


class DashboardView(NetworksPageMixin, TemplateView):
    template_name = "networks/dashboard.html"

    def role_may(self, user: User | object) -> bool:
        return may_view_dashboard(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.actor
        median, median_of = dashboard.median_days_to_start(user)
        months = dashboard.by_month(user)
        firsts = dashboard.months_shown(trust_today())
        referred = [row.counts[0] for row in months]
        # Referrals made each month, drawn over the same months as the table below it.
        monthly_chart = line_chart(
            list(zip(firsts, referred, strict=True)),  # type: ignore[arg-type]
            low=0,
            high=max(5, -(-max(referred, default=0) // 5) * 5),
        )
        context.update(
            stages=[stage.label for stage in dashboard.STAGES],
            by_month=months,
            monthly_chart=monthly_chart,
            by_kind=dashboard.by_kind(user),
            by_partner=dashboard.by_partner(user),
            by_team=dashboard.by_team(user),
            never_referred=list(dashboard.never_referred(user)),
            median=median,
            median_of=median_of,
            totals=[sum(row.counts[i] for row in months) for i in range(len(dashboard.STAGES))],
            networks=self.network_shares(user),
        )
        return context

    def network_shares(self, user: User) -> list[dict[str, Any]]:
        """Each network's lived-experience share of attendance, meeting by meeting."""
        out = []
        for network in network_list(user).prefetch_related("meetings"):
            rows = lived_experience_shares(list(network.meetings.all()))
            series = [
                (row.meeting.held_on, round(row.share * 100))
                for row in rows
                if row.share is not None
            ]
            out.append(
                {
                    "network": network,
                    "rows": rows,
                    "chart": line_chart(series, low=0, high=100),  # type: ignore[arg-type]
                }
            )
        return out
