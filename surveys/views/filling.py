"""Answering a check-in: starting, a few statements a page, checking, sending, and the
confirmation. The person answers for themselves (signed in, or through a link), or a member of
staff types in what they gave on paper or by phone."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser
from directory.permissions import acting_user, roles_of

from .. import services
from ..choices import STAFF_CHANNELS, Channel, ResponseStatus
from ..forms import QuestionsPageForm, item_field_name
from ..models import Item, Response
from ..permissions import can_enter_for, may_read_checkins
from ..selectors import (
    answers_by_item,
    instrument_for,
    items_in_order,
    open_draft,
    response_for_filling,
)
from .link_session import link_audit, may_answer

ITEMS_PER_PAGE = 3
RETURN_TO_CHECK = "check"  # the only place a question page returns to, besides the next page


# How long after sending through a link the check-in's own result shows on the confirmation
# page: long enough to read it, short enough that a shared computer does not keep it.
RESULT_AFTER_LINK = datetime.timedelta(minutes=30)


def _response_for_filling(request: HttpRequest, public_id: Any) -> Response | HttpResponse:
    """The response this browser may answer, a sign-in redirect, or 403/404."""
    response = response_for_filling(public_id=public_id)
    user = request.user
    allowed = False
    if response is not None:
        if response.channel == Channel.INVITATION:
            allowed = may_answer(request, response)
        elif response.channel == Channel.SIGNED_IN:
            allowed = roles_of(user).service_user_id == response.service_user_id
        elif response.channel in STAFF_CHANNELS:
            allowed = response.entered_by_id == getattr(user, "pk", None) and can_enter_for(
                user, response.service_user
            )
    if allowed:
        return response  # type: ignore[return-value]
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_checkins(user):
        raise PermissionDenied
    raise Http404


def _page_count(items: list[Item]) -> int:
    return max(1, math.ceil(len(items) / ITEMS_PER_PAGE))


@method_decorator(never_cache, name="dispatch")
class FillingMixin(AuditedRequestMixin, View):
    """Finds the response and refuses pages of one already sent (the back button lands here)."""

    response_obj: Response

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        found = _response_for_filling(request, kwargs["public_id"])
        if isinstance(found, HttpResponse):
            return found
        self.response_obj = found
        if found.invitation is not None:  # the person through their link, told apart by browser
            self._audit_context = link_audit(request, found.invitation)
        if found.status == ResponseStatus.SUBMITTED and self.draft_only:
            return redirect("surveys:done", public_id=found.public_id)
        if (
            found.invitation is not None
            and found.status != ResponseStatus.SUBMITTED
            and found.invitation.expires_at <= timezone.now()
        ):
            # The link has expired: every page of its draft says so, not only the send button
            # (the send is refused again in the service, whatever a page let through).
            return render(
                request, "surveys/invitation_refused.html", {"reason": "expired"}, status=410
            )
        self.items = items_in_order(found.instrument)
        return super().dispatch(request, *args, **kwargs)

    draft_only = True

    def common_context(self) -> dict[str, Any]:
        response = self.response_obj
        return {
            "response": response,
            "instrument": response.instrument,
            "for_staff": response.channel in STAFF_CHANNELS,
            "person_name": response.service_user.display_name
            if response.channel in STAFF_CHANNELS
            else "",
            "page_count": _page_count(self.items),
        }


class QuestionPageView(FillingMixin, FormView):
    """A few statements with their answer scales; answers are kept in the draft as they go."""

    template_name = "surveys/question_page.html"
    form_class = QuestionsPageForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.page = kwargs["page"]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check_page()
        services.audit_checkin_access(
            person=self.response_obj.service_user,
            resource="check-in answers",
            audit=self.audit,
        )
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check_page()
        return super().post(request, *args, **kwargs)

    def _check_page(self) -> None:
        if not 1 <= self.page <= _page_count(self.items):
            raise Http404

    @property
    def page_items(self) -> list[Item]:
        start = (self.page - 1) * ITEMS_PER_PAGE
        return self.items[start : start + ITEMS_PER_PAGE]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["items"] = self.page_items
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        values = answers_by_item(self.response_obj)
        return {
            f"item_{item.number}": values[item.pk]
            for item in self.page_items
            if values.get(item.pk) is not None
        }

    def _return_to_check(self) -> bool:
        return self.request.GET.get("return_to") == RETURN_TO_CHECK

    def form_valid(self, form: QuestionsPageForm) -> HttpResponse:
        try:
            services.response_save_answers(
                response=self.response_obj,
                values=form.values_by_item_id(),
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        public_id = self.response_obj.public_id
        if self.request.POST.get("action") == "save":
            return redirect("surveys:saved", public_id=public_id)
        if self._return_to_check() or self.page >= _page_count(self.items):
            return redirect("surveys:check", public_id=public_id)
        return redirect("surveys:fill", public_id=public_id, page=self.page + 1)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.common_context())
        first = (self.page - 1) * ITEMS_PER_PAGE + 1
        public_id = self.response_obj.public_id
        context.update(
            page=self.page,
            first_number=first,
            last_number=first + len(self.page_items) - 1,
            item_count=len(self.items),
            return_to_check=self._return_to_check(),
            back_href=(
                reverse("surveys:check", kwargs={"public_id": public_id})
                if self._return_to_check()
                else reverse("surveys:fill", kwargs={"public_id": public_id, "page": self.page - 1})
                if self.page > 1
                else ""
            ),
        )
        return context


class SavedView(FillingMixin, TemplateView):
    """Says the answers are kept and how to come back to them."""

    template_name = "surveys/saved.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.common_context())
        return context


class CheckAnswersView(FillingMixin, TemplateView):
    """Every statement with its answer (or 'Skipped') and a link to change it; then send."""

    template_name = "surveys/check_answers.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        response = self.response_obj
        services.audit_checkin_access(
            person=response.service_user,
            resource="check-in answers",
            audit=self.audit,
        )
        values = answers_by_item(response)
        rows = []
        for index, item in enumerate(self.items):
            value = values.get(item.pk)
            rows.append(
                {
                    "item": item,
                    "answer": item.label_for(value) if value is not None else "",
                    "change_href": reverse(
                        "surveys:fill",
                        kwargs={
                            "public_id": response.public_id,
                            "page": index // ITEMS_PER_PAGE + 1,
                        },
                    )
                    + f"?return_to={RETURN_TO_CHECK}#{item_field_name(item)}",
                }
            )
        context = super().get_context_data(**kwargs)
        context.update(self.common_context())
        context.update(
            rows=rows,
            answered=sum(1 for row in rows if row["answer"]),
            back_href=reverse(
                "surveys:fill",
                kwargs={"public_id": response.public_id, "page": _page_count(self.items)},
            ),
        )
        return context


class SubmitView(FillingMixin):
    """Sends the draft. The idempotency key in the form makes every repeat land on one response."""

    http_method_names = ["post"]
    draft_only = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = self.response_obj
        if request.POST.get("idempotency_key") != str(response.idempotency_key):
            messages.warning(request, "Something went wrong sending your answers. Try again.")
            return redirect("surveys:check", public_id=response.public_id)
        try:
            services.response_submit(idempotency_key=response.idempotency_key, audit=self.audit)
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
            return redirect("surveys:check", public_id=response.public_id)
        return redirect("surveys:done", public_id=response.public_id)


class DoneView(FillingMixin, TemplateView):
    """The confirmation: what was sent and what happens next."""

    template_name = "surveys/done.html"
    draft_only = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.response_obj.status != ResponseStatus.SUBMITTED:
            return redirect("surveys:check", public_id=self.response_obj.public_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.common_context())
        roles = roles_of(self.request.user)
        person = self.response_obj.service_user
        sent_at = self.response_obj.submitted_at
        just_sent = sent_at is not None and timezone.now() - sent_at < RESULT_AFTER_LINK
        if (
            self.response_obj.channel == Channel.INVITATION
            and not self.request.user.is_authenticated
            and just_sent
        ):
            # Through a link, this check-in's own result and nothing more: never the person's
            # history, which a link (forwarded, or left open on a shared computer) must not
            # open. Nothing names them on the page.
            services.audit_checkin_access(
                person=person, resource="check-in result", audit=self.audit
            )
            context["result"] = _result_of(self.response_obj)
            context["show_result"] = True
        context["journey_href"] = (
            reverse("surveys:journey", kwargs={"public_id": person.public_id})
            if roles.service_user_id == person.pk or self.response_obj.channel in STAFF_CHANNELS
            else ""
        )
        return context


def _result_of(response: Response) -> list[tuple[str, Any]]:
    """(domain as shown, score) of one sent check-in, in the instrument's order."""
    scores = {row.domain: row.score for row in response.scores.all()}
    return [
        (rule.display_label, scores[rule.domain])
        for rule in response.instrument.scoring_rules.order_by("pk")
        if rule.domain in scores
    ]


class StartView(LoginRequiredMixin, AuditedRequestMixin, TemplateView):
    """The signed-in person's own check-in: what it is, and a button to start or carry on."""

    template_name = "surveys/start.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and roles_of(request.user).service_user_id is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _person(self) -> ServiceUser:
        own_id = roles_of(self.request.user).service_user_id
        if own_id is None:
            raise PermissionDenied
        return ServiceUser.objects.select_related("team").get(pk=own_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = self._person()
        instrument = instrument_for(person)
        draft = open_draft(person=person, instrument=instrument, channel=Channel.SIGNED_IN)
        context = super().get_context_data(**kwargs)
        context.update(
            instrument=instrument,
            item_count=instrument.items.count(),
            draft=draft,
            person=person,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self._person()
        response = services.response_start(
            actor=acting_user(request),
            service_user=person,
            channel=Channel.SIGNED_IN,
            audit=self.audit,
        )
        return redirect("surveys:fill", public_id=response.public_id, page=1)
