"""Edit pages that hand a form to a service, and the page shown when someone saved first.

A service refuses an edit that started from an older revision with `StaleEdit`, carrying what
is saved now. The page then shows the saved text beside what this person typed, keeps their
text in the form at the new revision, and lets them save again once they have merged the two.
No domain here: a page says how to read the item (`item_values`) and what to call (`perform`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from .concurrency import StaleEdit
from .forms import add_service_error


def display_value(field: forms.Field, value: Any) -> str:
    """A form value as a person reads it, for the side-by-side of a refused edit."""
    if value in (None, "", []):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = {str(k): str(v) for k, v in getattr(field, "choices", []) or []}
    if isinstance(value, list | tuple):
        return ", ".join(choices.get(str(v), str(v)) for v in value)
    return choices.get(str(value), str(value))


class NoStoreMixin:
    """Edit pages are never kept by the browser or a proxy (`Cache-Control: no-store`): Back
    fetches them again, drawn with the revision saved now (and `DrawnRevisionInput` keeps
    whatever text the browser puts back with the revision it was typed against)."""

    @method_decorator(never_cache)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ConflictFormView(NoStoreMixin, FormView):
    """One form, one service call; a refused edit shows both texts and keeps the person's.

    Subclasses give `perform` (call the service, return the message to show) and
    `item_values` (the form values of the item as saved), and may give `success_url_for`,
    `extra_form_kwargs` and `saw_saved_item` (called when the page shows the saved item).
    """

    conflict: list[dict[str, Any]] | None = None

    def perform(self, form: forms.Form) -> str:
        raise NotImplementedError

    def item_values(self, item: Any) -> dict[str, Any]:
        raise NotImplementedError

    def success_url_for(self) -> str:
        return str(self.get_success_url())

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {}

    def saw_saved_item(self) -> None:
        """Called when the page shows the item as saved now (for an access audit)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["conflict"] = self.conflict
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            message = self.perform(form)
        except StaleEdit as stale:
            return self.refused(form, stale.current)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.success_url_for())

    def refused(self, form: forms.Form, current: Any) -> HttpResponse:
        """Someone saved first: show both texts, keep theirs in the form at the new revision."""
        self.saw_saved_item()
        saved = self.item_values(current)
        rows = []
        for name, field in form.fields.items():
            if name == "revision":
                continue
            mine = display_value(field, form.cleaned_data.get(name))
            theirs = display_value(field, saved.get(name))
            rows.append(
                {
                    "label": str(field.label),
                    "saved": theirs,
                    "yours": mine,
                    "differs": mine != theirs,
                }
            )
        self.conflict = rows
        data = self.request.POST.copy()
        data["revision"] = str(saved.get("revision") or current.revision)
        fresh = self.get_form_class()(data=data, **self.extra_form_kwargs())
        fresh.is_valid()
        return self.render_to_response(self.get_context_data(form=fresh))
