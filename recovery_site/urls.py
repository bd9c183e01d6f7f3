from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from careplans.api import PlanViewSet
from common.api import ApiRouter
from directory.api import ServiceUserViewSet, TeamViewSet
from networks.api import (
    NetworkViewSet,
    OpportunityViewSet,
    PartnerViewSet,
    ReferralViewSet,
)
from peersupport.api import ShiftViewSet, WorkerViewSet
from surveys.api import (
    InstrumentViewSet,
    LeagueViewSet,
    PersonScoresViewSet,
    ResponseViewSet,
    TeamSeriesViewSet,
)

from . import caseload, oidc, person, team, two_factor, views
from .auth_forms import ResetPasswordForm, ResetRequestForm, SignInForm

router = ApiRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("service-users", ServiceUserViewSet, basename="service-user")
router.register("check-in-instruments", InstrumentViewSet, basename="checkin-instrument")
router.register("check-ins", ResponseViewSet, basename="checkin")
router.register("check-in-scores", PersonScoresViewSet, basename="checkin-scores")
router.register("league-table", LeagueViewSet, basename="league")
router.register("league-teams", TeamSeriesViewSet, basename="league-team")
router.register("plans", PlanViewSet, basename="plan")
router.register("networks", NetworkViewSet, basename="network")
router.register("partners", PartnerViewSet, basename="partner")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("peer-shifts", ShiftViewSet, basename="peer-shift")
router.register("peer-workers", WorkerViewSet, basename="peer-worker")

auth_patterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff single sign-on (404 unless a provider is configured) and the second factor for staff
    # who sign in with a password.
    path("sso/start/", oidc.StartSignInView.as_view(), name="oidc_authentication_init"),
    path("sso/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
    path("two-factor/", two_factor.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/set-up/", two_factor.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("session/renew/", views.renew_session, name="session_renew"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetRequestForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("caseload/", caseload.CaseloadView.as_view(), name="caseload"),
    path("people/<uuid:public_id>/", person.PersonView.as_view(), name="person"),
    # The directory's team page with the oversight counts of plans and check-ins.
    path("teams/<uuid:public_id>/", team.TeamOversightView.as_view(), name="team"),
    path("health/", views.health, name="health"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("account/", include(auth_patterns)),
    path("", include("directory.urls")),
    path("", include("surveys.urls")),
    path("", include("careplans.urls")),
    path("", include("networks.urls")),
    path("", include("peersupport.urls")),
    path("admin/", admin.site.urls),
    path("api/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The schema maps every endpoint and parameter: only for signed-in users (its API view answers
    # 401 through SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]; the docs page sends people to sign in).
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

if getattr(settings, "DEMO_SIGN_IN_AS", False):
    urlpatterns.append(
        path("demo/sign-in-as/", views.DemoSignInAsView.as_view(), name="demo_sign_in_as")
    )

if getattr(settings, "BENCH_HELLO", False):
    urlpatterns.append(path("bench/hello/", views.BenchHelloView.as_view(), name="bench_hello"))
