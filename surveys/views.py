"""Check-in pages: starting, answering a few statements a page, checking, sending; the journey;
invitations; staff entry; team settings. Thin: permissions decide, services write and audit."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from common.dates import trust_today
from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser, Team
from directory.permissions import acting_user, roles_of
from directory.selectors import own_caseload_for

from . import services
from .charts import line_chart
from .choices import STAFF_CHANNELS, Channel, Domain, ResponseStatus
from .forms import (
    ConfirmForm,
    InviteForm,
    QuestionsPageForm,
    StaffEntryForm,
    TeamSettingsForm,
    item_field_name,
)
from .models import Invitation, Item, Response
from .permissions import (
    can_change_team_settings,
    can_enter_for,
    can_invite,
    get_person_for_checkins,
    may_change_team_settings,
    may_enter_for_others,
    may_invite,
    may_read_checkins,
)
from .selectors import (
    BUILT_IN_KEY,
    JOURNEY_DOMAINS,
    active_instrument,
    checkin_status_for,
    describe_change,
    journey_responses,
    team_settings_for,
)

ITEMS_PER_PAGE = 3
SESSION_RESPONSES = "surveys_invitation_responses"  # drafts this browser opened from a link
SESSION_LINKS = "surveys_links_to_show"  # invitation links to show their maker once
RETURN_TO_CHECK = "check"  # the only place a question page returns to, besides the next page


# --- answering -----------------------------------------------------------------------------


# How long after sending through a link the person's own journey shows on the confirmation
# page: long enough to read it, short enough that a shared computer does not keep it.
JOURNEY_AFTER_LINK = datetime.timedelta(minutes=30)


def _response_for_filling(request: HttpRequest, public_id: Any) -> Response | HttpResponse:
    """The response this browser may answer, a sign-in redirect, or 403/404."""
    response = (
        Response.objects.select_related("instrument", "service_user", "entered_by")
        .filter(public_id=public_id)
        .first()
    )
    user = request.user
    allowed = False
    if response is not None:
        if response.channel == Channel.INVITATION:
            allowed = str(response.public_id) in request.session.get(SESSION_RESPONSES, [])
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
        if found.status == ResponseStatus.SUBMITTED and self.draft_only:
            return redirect("surveys:done", public_id=found.public_id)
        self.items = list(found.instrument.items.order_by("number"))
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
        values = dict(
            self.response_obj.answers.filter(item__in=self.page_items).values_list(
                "item__number", "value"
            )
        )
        return {f"item_{number}": value for number, value in values.items() if value is not None}

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
        values = dict(response.answers.values_list("item_id", "value"))
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
        just_sent = sent_at is not None and timezone.now() - sent_at < JOURNEY_AFTER_LINK
        if (
            self.response_obj.channel == Channel.INVITATION
            and not self.request.user.is_authenticated
            and just_sent
        ):
            # The person who just answered through their own link sees how their answers have
            # changed, in this browser session only; nothing names them on the page.
            services.audit_checkin_access(
                person=person, resource="check-in journey", audit=self.audit
            )
            context["responses"], context["domains"] = journey_series(person)
            context["own"] = True
            context["show_journey"] = True
        context["journey_href"] = (
            reverse("surveys:journey", kwargs={"public_id": person.public_id})
            if roles.service_user_id == person.pk or self.response_obj.channel in STAFF_CHANNELS
            else ""
        )
        return context


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
        instrument = active_instrument()
        draft = Response.objects.filter(
            service_user=person,
            instrument=instrument,
            channel=Channel.SIGNED_IN,
            status=ResponseStatus.DRAFT,
        ).first()
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


# --- invitation links ----------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class InvitationView(AuditedRequestMixin, TemplateView):
    """Opened from a one-time link, with no account. Shows nothing about the person."""

    template_name = "surveys/invitation.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = kwargs["token"]
        invitation = (
            Invitation.objects.select_related("instrument", "service_user")
            .filter(token_hash=services.hash_token(token))
            .first()
            if 20 <= len(token) <= 100
            else None
        )
        if invitation is None:
            return self._refuse("unknown", status=404)
        if invitation.used_at is not None:
            return self._refuse("used", status=410)
        if invitation.expires_at <= timezone.now():
            return self._refuse("expired", status=410)
        self.invitation = invitation
        return super().dispatch(request, *args, **kwargs)

    def _refuse(self, reason: str, *, status: int) -> HttpResponse:
        from django.shortcuts import render

        return render(
            self.request, "surveys/invitation_refused.html", {"reason": reason}, status=status
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        instrument = self.invitation.instrument
        context.update(
            instrument=instrument,
            item_count=instrument.items.count(),
            expires=timezone.localtime(self.invitation.expires_at),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.invitation
        response = services.response_start(
            actor=None,
            service_user=invitation.service_user,
            channel=Channel.INVITATION,
            invitation=invitation,
            audit=self.audit,
        )
        opened = request.session.get(SESSION_RESPONSES, [])
        if str(response.public_id) not in opened:
            request.session[SESSION_RESPONSES] = [*opened[-9:], str(response.public_id)]
        return redirect("surveys:fill", public_id=response.public_id, page=1)


# --- staff ---------------------------------------------------------------------------------


class PersonMixin(LoginRequiredMixin, AuditedRequestMixin):
    """Finds the person in the URL under the check-in rules (403 for a role, 404 for a person)."""

    request: HttpRequest

    def person(self, public_id: Any) -> ServiceUser:
        return get_person_for_checkins(self.request.user, public_id)


def journey_series(person: ServiceUser) -> tuple[list[Response], list[dict[str, Any]]]:
    """The person's built-in check-ins and, per domain, its chart, latest score and the change
    in words: what the journey page and the confirmation after a link check-in both show."""
    responses = [r for r in journey_responses(person=person) if r.instrument.key == BUILT_IN_KEY]
    labels = dict(Domain.choices)
    domains = []
    for domain in JOURNEY_DOMAINS:
        series = [(r.completed_on, r.score_for(domain)) for r in responses if r.completed_on]
        scored = [value for _, value in series if value is not None]
        first_line = last_line = None
        if len(scored) >= 2:
            first_line = describe_change(scored[0], scored[-1], since="since the first check-in")
        if len(scored) >= 3:
            last_line = describe_change(scored[-2], scored[-1], since="since the check-in before")
        domains.append(
            {
                "key": domain,
                "label": labels[domain],
                "chart": line_chart(series, low=1, high=5),
                "since_first": first_line,
                "since_last": last_line,
                "latest": scored[-1] if scored else None,
            }
        )
    return responses, domains


class JourneyView(PersonMixin, TemplateView):
    """A person's hope, control and opportunity over time: charts, a table, and the change."""

    template_name = "surveys/journey.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = self.person(kwargs["public_id"])
        services.audit_checkin_access(
            person=person,
            resource="check-in journey",
            audit=self.audit,
        )
        roles = roles_of(self.request.user)
        own = person.pk == roles.service_user_id
        responses, domains = journey_series(person)
        status = checkin_status_for([person])[person.pk]
        context = super().get_context_data(**kwargs)
        context.update(
            person=person,
            own=own,
            responses=responses,
            domains=domains,
            status=status,
            can_invite=can_invite(self.request.user, person),
            can_enter=can_enter_for(self.request.user, person),
            breadcrumbs=[]
            if own
            else [
                {"href": reverse("caseload"), "text": "Caseload"},
                {"href": person.get_absolute_url(), "text": person.display_name},
            ],
        )
        return context


class StaffEntryView(PersonMixin, FormView):
    """Staff type in a check-in the person gave on paper or by phone: how and when, first."""

    template_name = "surveys/staff_entry.html"
    form_class = StaffEntryForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_enter_for_others(request.user):
                raise PermissionDenied
            self.person_obj = self.person(kwargs["public_id"])
            if not can_enter_for(request.user, self.person_obj):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"completed_on": trust_today()}

    def form_valid(self, form: StaffEntryForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            response = services.response_start(
                actor=acting_user(self.request),
                service_user=self.person_obj,
                channel=data["channel"],
                audit=self.audit,
            )
            services.response_staff_details_set(
                response=response,
                completed_on=data["completed_on"],
                channel=data["channel"],
                actor=acting_user(self.request),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        return redirect("surveys:fill", public_id=response.public_id, page=1)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.audit_checkin_access(
            audit=self.audit, person=self.person_obj, resource="check-in staff entry"
        )
        context = super().get_context_data(**kwargs)
        context["person"] = self.person_obj
        return context


class InviteView(PersonMixin, FormView):
    """Invite one person: the link is emailed to them, or shown once to give them."""

    template_name = "surveys/invite.html"
    form_class = InviteForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_invite(request.user):
                raise PermissionDenied
            self.person_obj = self.person(kwargs["public_id"])
            if not can_invite(request.user, self.person_obj):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _can_email(self) -> bool:
        login = self.person_obj.user
        return bool(login and login.email)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["can_email"] = self._can_email()
        return kwargs

    def form_valid(self, form: InviteForm) -> HttpResponse:
        invitation = services.invitation_create(
            actor=acting_user(self.request),
            service_user=self.person_obj,
            audit=self.audit,
        )
        if form.cleaned_data["how"] == "email" and self._can_email():
            services.invitation_email_later(invitation)
            messages.success(
                self.request,
                f"{self.person_obj.display_name} has been emailed a link to a check-in.",
            )
            return redirect("surveys:journey", public_id=self.person_obj.public_id)
        token = services.invitation_issue_link(invitation=invitation, audit=self.audit)
        links = self.request.session.get(SESSION_LINKS, {})
        links[str(invitation.public_id)] = token
        self.request.session[SESSION_LINKS] = links
        return redirect("surveys:invitation_link", public_id=invitation.public_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.audit_checkin_access(
            audit=self.audit, person=self.person_obj, resource="check-in status"
        )
        context = super().get_context_data(**kwargs)
        context.update(
            person=self.person_obj,
            status=checkin_status_for([self.person_obj])[self.person_obj.pk],
        )
        return context


@method_decorator(never_cache, name="dispatch")
class InvitationLinkView(LoginRequiredMixin, AuditedRequestMixin, TemplateView):
    """Shows a new invitation link once, to the person who made it."""

    template_name = "surveys/invitation_link.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_invite(self.request.user):
            raise PermissionDenied
        invitation = get_object_or_404(
            Invitation.objects.select_related("service_user"), public_id=kwargs["public_id"]
        )
        if not can_invite(self.request.user, invitation.service_user):
            raise Http404
        links = self.request.session.get(SESSION_LINKS, {})
        token = links.pop(str(invitation.public_id), None)
        self.request.session[SESSION_LINKS] = links
        services.audit_checkin_access(
            person=invitation.service_user,
            resource="check-in invitation",
            audit=self.audit,
        )
        context = super().get_context_data(**kwargs)
        context.update(
            invitation=invitation,
            person=invitation.service_user,
            link=services.invitation_url(token) if token else "",
            expires=timezone.localtime(invitation.expires_at),
        )
        return context


class InviteCaseloadView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """A care coordinator invites everyone on their caseload whose check-in is due."""

    template_name = "surveys/invite_caseload.html"

    def get_form(self, form_class: Any = None) -> ConfirmForm:
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Invite them")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not roles_of(request.user).coordinates_in:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _due_people(self) -> list[ServiceUser]:
        user = acting_user(self.request)
        people = list(own_caseload_for(user=user).select_related("user"))
        statuses = checkin_status_for(people)
        return [p for p in people if statuses[p.pk].needs_attention and can_invite(user, p)]

    def form_valid(self, form: ConfirmForm) -> HttpResponse:
        invited, emailed = services.invitations_for_caseload(
            actor=acting_user(self.request),
            people=self._due_people(),
            audit=self.audit,
        )
        text = f"{invited} {'person has' if invited == 1 else 'people have'} been invited."
        if invited - emailed:
            text += (
                f" {invited - emailed} of them have no email address: open their check-ins "
                "from the caseload to make a link to give them."
            )
        messages.success(self.request, text)
        return HttpResponseRedirect(reverse("caseload"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        people = self._due_people()
        context.update(
            people_count=len(people),
            with_email=sum(1 for p in people if p.user and p.user.email),
        )
        return context


class TeamSettingsView(LoginRequiredMixin, FormView):
    """A team's check-in cycle, link lifetime and reminder: for its team leaders."""

    template_name = "surveys/team_settings.html"
    form_class = TeamSettingsForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_change_team_settings(request.user):
                raise PermissionDenied
            self.team = get_object_or_404(Team, public_id=kwargs["public_id"])
            if not can_change_team_settings(request.user, self.team):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        current = team_settings_for(self.team)
        return {
            "cycle_months": current.cycle_months,
            "link_valid_days": current.link_valid_days,
            "reminder_after_days": current.reminder_after_days,
        }

    def form_valid(self, form: TeamSettingsForm) -> HttpResponse:
        try:
            services.team_settings_update(
                actor=acting_user(self.request),
                team=self.team,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Check-in settings for {self.team.name} are saved.")
        return redirect("surveys:team_settings", public_id=self.team.public_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["team"] = self.team
        return context
