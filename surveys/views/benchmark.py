"""The trust beside other trusts on this instance: trust-wide rows only, never a team, and the
aggregate file other instances import. Every figure is read from the rollup rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.views.generic import TemplateView, View

from directory.audit import AuditedRequestMixin
from directory.models import Trust

from ..charts.league import interval_bars
from ..forms import BenchmarkImportForm
from ..selectors import league as reads
from ..services.benchmarks import (
    BENCHMARK_FORMAT,
    BENCHMARK_HEADER,
    benchmark_file_parse,
    benchmark_import,
)
from .league_shared import QaManagerMixin, _as_at_text, _csv_response, _fmt, _recompute_url


class BenchmarkView(QaManagerMixin, AuditedRequestMixin, TemplateView):
    """The trust beside other trusts on this instance: trust-wide rows only, never a team."""

    template_name = "surveys/league/benchmark.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, choice, _ = self.chosen()
        rows = reads.benchmark_rows(trust_id=self.trust_id, choice=choice) if choice else []
        bars, scale = interval_bars([(r.mean, r.ci_low, r.ci_high) for r in rows], target=None)
        context.update(
            form=form,
            choice=choice,
            rows=list(zip(rows, bars, strict=True)),
            scale=scale,
            as_at=reads.as_at(trust_id=self.trust_id),
            recompute_url=_recompute_url(),
            import_form=kwargs.get("import_form") or BenchmarkImportForm(),
            import_errors=kwargs.get("import_errors", []),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Import another instance's aggregate file; every bad line is reported by number."""
        form = BenchmarkImportForm(request.POST, request.FILES)
        errors: list[str] = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors = ["The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."]
            else:
                lines, errors = benchmark_file_parse(text)
                if not errors:
                    try:
                        count = benchmark_import(
                            trust=Trust.objects.get(pk=self.trust_id), lines=lines, audit=self.audit
                        )
                    except ValidationError as exc:
                        errors = list(exc.messages)
                    else:
                        messages.success(request, f"{count} figure{pluralize(count)} imported.")
                        return redirect("surveys:benchmark")
            for message in errors[:50]:
                form.add_error("file", message)
        context = self.get_context_data(import_form=form, import_errors=errors, **kwargs)
        return self.render_to_response(context, status=400 if errors or form.errors else 200)


class BenchmarkCsvView(QaManagerMixin, View):
    """The trust's trust-wide rows as the aggregate file other instances import
    (docs/benchmark-file.md): no team, no person, suppression applied."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trust = Trust.objects.get(pk=self.trust_id)
        as_at = _as_at_text(reads.as_at(trust_id=self.trust_id))
        response, writer = _csv_response(f"benchmark-{trust.ods_code or trust.pk}.csv")
        writer.writerow(BENCHMARK_HEADER)
        for row in reads.trust_rows(trust_id=self.trust_id):
            writer.writerow(
                [
                    BENCHMARK_FORMAT,
                    as_at,
                    trust.name,
                    trust.ods_code or "",
                    row.period_kind,
                    row.period_start.isoformat(),
                    row.period_end.isoformat(),
                    row.instrument_key,
                    row.domain,
                    row.measure,
                    row.responses,
                    _fmt(row.mean, 6),
                    _fmt(row.ci_low, 6),
                    _fmt(row.ci_high, 6),
                    str(row.suppressed).lower(),
                ]
            )
        return response
