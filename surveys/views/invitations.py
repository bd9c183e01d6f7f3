"""Inviting people to a check-in: one person (emailed, or a link shown once), or everyone due on
a coordinator's caseload."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser
from directory.permissions import acting_user, roles_of
from directory.services import access_records

from .. import services
from ..forms import InviteCaseloadForm, InviteForm
from ..permissions import can_invite, may_invite
from ..selectors import checkin_status_for, invitation_with_person, people_due_a_checkin
from .person import PersonMixin

SESSION_LINKS = "surveys_links_to_show"  # invitation links to show their maker once


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
        invitation = invitation_with_person(public_id=kwargs["public_id"])
        if invitation is None or not can_invite(self.request.user, invitation.service_user):
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
    """A care coordinator invites the people on their caseload whose check-in is due: each one
    listed, ticked at first, with whether they will be emailed or need a letter or a link."""

    template_name = "surveys/invite_caseload.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not roles_of(request.user).coordinates_in:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def due_people(self) -> list[ServiceUser]:
        return people_due_a_checkin(user=acting_user(self.request))

    @staticmethod
    def emailed(person: ServiceUser) -> bool:
        return bool(person.user_id and person.user and person.user.email)

    def get_form(self, form_class: Any = None) -> InviteCaseloadForm:
        choices = [
            (
                str(person.public_id),
                f"{person.display_name}: "
                + (
                    "will be emailed a link"
                    if self.emailed(person)
                    else "no email address, needs a link given by letter, text or in person"
                ),
            )
            for person in self.due_people
        ]
        return InviteCaseloadForm(**self.get_form_kwargs(), people=choices)

    def form_valid(self, form: InviteCaseloadForm) -> HttpResponse:
        chosen = set(form.cleaned_data["people"])
        invited, emailed = services.invitations_for_caseload(
            actor=acting_user(self.request),
            people=[p for p in self.due_people if str(p.public_id) in chosen],
            audit=self.audit,
        )
        text = f"{invited} {'person has' if invited == 1 else 'people have'} been invited."
        if invited - emailed:
            text += (
                f" {invited - emailed} of them have no email address: open their check-ins "
                "from the caseload to make a link to give them by letter, text or in person."
            )
        messages.success(self.request, text)
        return HttpResponseRedirect(reverse("caseload"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        people = self.due_people
        access_records(service_users=people, resource="check-in invitation list", audit=self.audit)
        context.update(
            people_count=len(people),
            with_email=sum(1 for p in people if self.emailed(p)),
        )
        return context
