"""Pages that span every app: each role's home page, health, and the footer's statements."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View

from directory.audit import AuditedRequestMixin
from directory.demo import DEMO_PERSONAS
from directory.models import ServiceUser, User
from directory.permissions import acting_user, roles_of
from directory.selectors import caseload_for, memberships_in_force
from directory.services import access_records
from surveys.permissions import league_teams_visible_to

from .attention import attention_groups, caseload_facts, shows_attention, states_for
from .celery import app as celery_app
from .navigation import links_for
from .two_factor import SECOND_FACTOR_SESSION_KEY


class HomeView(LoginRequiredMixin, AuditedRequestMixin, TemplateView):
    """Takes each person to their work: a service user to their own record, staff to theirs."""

    template_name = "home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        roles = roles_of(request.user)
        if roles.service_user_id is not None and not roles.is_staff_member:
            person = ServiceUser.objects.get(pk=roles.service_user_id)
            return redirect(person.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        roles = roles_of(user)
        cards: list[dict[str, str]] = []

        def card(title: str, href: str, text: str) -> None:
            cards.append({"title": title, "href": href, "text": text})

        links = links_for(user)
        caseload = next((link for link in links if link.key == "caseload"), None)
        context = super().get_context_data(**kwargs)
        if caseload is not None and shows_attention(user):
            facts = caseload_facts(user=user)
            context["attention"] = attention_groups(facts, states=states_for(user))
            context["attention_for_team"] = bool(roles.leads)
            shown = {line.person.pk: line.person for g in context["attention"] for line in g.lines}
            access_records(
                service_users=list(shown.values()),
                resource="needs attention entry",
                audit=self.audit,
            )
            size = len(facts.people)
        elif caseload is not None:
            size = caseload_for(user=user).count()
        if caseload is not None:
            people = f"{size} {'person' if size == 1 else 'people'}"
            if roles.coordinates_in:
                card("Your caseload", caseload.href, f"{people} on your caseload.")
            elif roles.leads:
                card("Your team's caseload", caseload.href, f"{people} in the teams you lead.")
            else:
                card("People in your team", caseload.href, f"{people} you may support.")
        if roles.leads:
            leading = memberships_in_force(user=user).filter(role="team_leader")
            for membership in leading.select_related("team"):
                card(
                    membership.team.name,
                    membership.team.get_absolute_url(),
                    "Members and the size of each caseload.",
                )
        own_teams = roles.leads | roles.coordinates_in
        if own_teams:
            for team in league_teams_visible_to(user).filter(pk__in=own_teams).order_by("name"):
                card(
                    f"{team.name}: check-in figures",
                    reverse("surveys:league_team", args=[team.public_id]),
                    "The team's check-in figures over time and where it stands in the trust.",
                )
        for link in links:
            if link.card:
                card(link.label, link.href, link.card)
        context["cards"] = cards
        context["role_labels"] = roles.labels()
        return context


@never_cache
@require_POST
def renew_session(request: HttpRequest) -> HttpResponse:
    """'Stay signed in': push the idle session's end on by the full idle time. 401 once the
    session has already ended, so the page knows to keep what was typed and ask to sign in."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True  # saved with a fresh expiry by the session middleware
    return JsonResponse({"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitoring: 200 when both answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "not used (tasks run in-process)"
    else:
        try:
            # From the broker's connection pool, kept open between calls: a new connection per
            # check cost a TCP handshake and a Redis HELLO every time a load balancer asked.
            broker_pool: Any = celery_app.pool  # kombu's ConnectionPool (the stubs say otherwise)
            with broker_pool.acquire(block=True, timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                client = getattr(conn.default_channel, "client", None)
                if client is not None:  # Redis: ask the server, not the socket's last state
                    client.ping()
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "unavailable"
    healthy = all(value != "unavailable" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


class BenchHelloView(LoginRequiredMixin, View):
    """The smallest signed-in page: the same middleware, session and sign-in check as every page,
    no query of its own and no template. The scale benchmark measures pages against it; it is
    mounted only where BENCH_HELLO is on."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse(
            '<!DOCTYPE html><html lang="en-GB"><head><title>Hello</title></head>'
            "<body><main><h1>Hello</h1></main></body></html>"
        )


class DemoSignInAsView(TemplateView):
    """Sign in as any demo persona with one click. Exists only where DEMO_SIGN_IN_AS is on
    (the embedded default), never in production."""

    template_name = "demo_sign_in_as.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(settings, "DEMO_SIGN_IN_AS", False):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        users = {
            u.username: u for u in User.objects.filter(username__in=[p[0] for p in DEMO_PERSONAS])
        }
        context = super().get_context_data(**kwargs)
        context["personas"] = [
            {"username": username, "role": role, "user": users[username]}
            for username, role, _ in DEMO_PERSONAS
            if username in users
        ]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if username not in {p[0] for p in DEMO_PERSONAS}:
            raise Http404
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise Http404
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The one-click demo stands in for the whole sign-in, second factor included. It exists
        # only on the embedded demo; the password sign-in asks demo staff for a code as usual.
        request.session[SECOND_FACTOR_SESSION_KEY] = "demo one-click sign-in"
        return redirect("home")
