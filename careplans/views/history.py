"""Agreed versions: one read back as agreed, and two compared part by part."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..choices import PlanStatus
from ..selectors import plan_of, versions_of
from ..versions import compare_snapshots, plan_snapshot
from .base import (
    PlanPageMixin,
    audit_read,
    text_parts,
)


class VersionView(PlanPageMixin, TemplateView):
    """An agreed version, read back exactly as it was agreed."""

    template_name = "careplans/version_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(versions_of(self.current_plan), number=kwargs["number"])
        audit_read(self.audit, self.person, "recovery plan version")
        context.update(
            self.base_context(),
            version=version,
            snapshot=version.snapshot,
            parts=list(text_parts(version.snapshot).values()),
        )
        return context


class CompareView(PlanPageMixin, TemplateView):
    """Two agreed versions, or the latest agreed version and the plan now, part by part."""

    template_name = "careplans/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = {v.number: v for v in versions_of(self.current_plan)}
        context.update(
            self.base_context(), versions=sorted(versions.values(), key=lambda v: v.number)
        )
        if len(versions) < 1:
            raise Http404
        numbers = sorted(versions)
        # With changes not yet agreed, the question is "what changed since it was agreed?": the
        # latest agreed version against the plan now. Otherwise the last two versions.
        unagreed = self.current_plan.status == PlanStatus.DRAFT
        latest_against_now = unagreed or len(numbers) == 1
        try:
            old = int(
                self.request.GET.get("from", numbers[-1] if latest_against_now else numbers[-2])
            )
            new_raw = self.request.GET.get(
                "to", "current" if latest_against_now else str(numbers[-1])
            )
            new = None if new_raw == "current" else int(new_raw)
        except ValueError:
            raise Http404 from None
        if old not in versions or (new is not None and new not in versions):
            raise Http404
        if new is None:
            plan = plan_of(self.person)
            assert plan is not None
            new_snapshot, new_label = plan_snapshot(plan), "the plan now"
        else:
            new_snapshot, new_label = versions[new].snapshot, f"version {new}"
        audit_read(self.audit, self.person, "recovery plan version")
        context.update(
            old=old,
            new=new,
            new_label=new_label,
            comparisons=compare_snapshots(versions[old].snapshot, new_snapshot),
        )
        return context
