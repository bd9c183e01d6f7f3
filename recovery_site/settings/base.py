"""Settings shared by every environment.

Everything that differs between environments comes from environment variables (or a `.env`
file beside manage.py); the other modules only change defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-key-for-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "recovery_site.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",
    "recovery_site.apps.StaticFilesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "nhsuk_forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "recovery_site",
    "directory",
    "surveys",
    "peersupport",
    "careplans",
    "networks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "recovery_site.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff signed in by password see nothing but the second-factor pages until they pass them.
    "recovery_site.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recovery_site.urls"
WSGI_APPLICATION = "recovery_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recovery_site.context_processors.navigation",
            ],
        },
    },
]

# Widgets render with the project's templates too (the NHS.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite file by default (the embedded run); PostgreSQL from DATABASE_URL otherwise.
# Connections persist between requests: reconnecting per request costs several times the page.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def without_jit(database: dict) -> dict:
    """PostgreSQL's JIT compiles any statement whose cost estimate passes its threshold, on every
    run: 30-40 ms for a page's short statements that then run in 3. Off for web connections
    through a connection option; a long rollup statement may turn it back on with
    `SET LOCAL jit = on` inside its transaction."""
    if "postgresql" in database.get("ENGINE", ""):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return database


without_jit(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "recovery_site.throttling.AccountCeilingBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Staff single sign-on (recovery_site.oidc); inert unless OIDC_RP_CLIENT_ID is set.
    "recovery_site.oidc.StaffOidcBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

# Staff single sign-on through the trust's identity provider over OpenID Connect (e.g. Microsoft
# Entra ID or NHS Care Identity Service 2). Off unless OIDC_RP_CLIENT_ID is set; then the sign-in
# page offers it. Register the redirect URI {SITE_URL}/account/sso/callback/ with the provider.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid")
OIDC_USE_PKCE = True
# The client secret goes in an HTTP Basic header at the token endpoint (`client_secret_basic`,
# which every provider must accept); false sends it in the form body (`client_secret_post`).
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=True)
OIDC_CREATE_USER = False  # never: unknown staff are refused (recovery_site.oidc)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
# The claim that identifies a member of staff, matched against User.identity_subject: "sub", or a
# claim the provider keeps stable across applications, such as Entra ID's "oid".
OIDC_MATCH_CLAIM = env("OIDC_MATCH_CLAIM", default="sub")
# What the sign-in button calls the provider.
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="your trust's single sign-on")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="recovery-care")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a spell of inactivity. A request pushes the stored expiry on only once it is
# a minute old (recovery_site.sessions): the session row is written at most once a minute, and an
# idle session still ends no later than SESSION_IDLE_MINUTES after the last request.
SESSION_ENGINE = "recovery_site.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
# How long before an idle session ends the page warns, with a button to stay signed in.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# How many reverse proxies in front of the web process append to X-Forwarded-For (the documented
# deployment has one). 0 (the default) ignores the header: the client is the connection's address.
# Sign-in throttling and the access audit both take the client address from this rule.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "common.http.client_address"

# Sign-in throttling: five wrong passwords for one username from one address locks it for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A per-account ceiling over all addresses, higher and shorter: it slows guessing spread over many
# addresses, but a stranger guessing wrong on purpose pauses a clinician's account for minutes only.
AXES_ACCOUNT_FAILURE_CEILING = env.int("AXES_ACCOUNT_FAILURE_CEILING", default=20)
AXES_ACCOUNT_COOLOFF_TIME = timedelta(minutes=env.int("AXES_ACCOUNT_COOLOFF_MINUTES", default=5))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The zone a trust counts its days, review dates and months in (common.dates), whatever the
# server's clock says.
TRUST_TIME_ZONE = env("TRUST_TIME_ZONE", default="Europe/London")
# League tables show no mean resting on fewer responses than this (NHS Digital suppresses below
# 8 for secondary care below national level); such rows read "too few responses".
LEAGUE_SUPPRESSION_THRESHOLD = env.int("LEAGUE_SUPPRESSION_THRESHOLD", default=8)
# Mounts /bench/hello/, the signed-in baseline the scale benchmark (bench/league_scale.py) sets
# the league pages beside. Off everywhere unless a benchmark run switches it on.
BENCH_HELLO = env.bool("BENCH_HELLO", default=False)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NHSUK_FRONTEND_DIST = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [BASE_DIR / "static", ("nhsuk", NHSUK_FRONTEND_DIST)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "recovery_site.storage.StaticStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Where links in emails point (invitation links, notices to staff).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="recovery-care <no-reply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG
CRISPY_CLASS_CONVERTERS = {
    "textinput": "nhsuk-input",
    "emailinput": "nhsuk-input",
    "numberinput": "nhsuk-input",
    "urlinput": "nhsuk-input",
    "passwordinput": "nhsuk-input",
    "dateinput": "nhsuk-input",
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
}

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
# Every periodic job, in one place; each entry says in words when it runs.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every day at 10:00 UK time: remind people of check-in invitations they have not done.
    "surveys-checkin-reminders": {
        "task": "surveys.tasks.send_checkin_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # Every night at 02:15 UK time: recompute the league tables' current and previous month for
    # every trust, which also heals any update missed while the broker was down.
    "surveys-league-rollup-nightly": {
        "task": "surveys.tasks.rollup_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
}

# An API token stops working this many days after it was issued (and when the password changes).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call answers 401 with a WWW-Authenticate header.
        "common.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "recovery-care API",
    "DESCRIPTION": (
        "Teams, service users, recovery plans and self-assessments for NHS mental health "
        "trusts. Every endpoint applies the same permission rules as the pages: what the "
        "caller may not see answers 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for signed-in users only (issue 10): they map every endpoint.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name with another app's.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "networks.choices.ReferralStatus",
        "OpportunityKindEnum": "networks.choices.OpportunityKind",
        "PartnerKindEnum": "networks.choices.PartnerKind",
        "GoalStatusEnum": "careplans.choices.GoalStatus",
        "ShiftKindEnum": "peersupport.choices.ShiftKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.uuid_path_parameters",
    ],
}

# Content Security Policy: no inline script or style except the one nonce'd body-class script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
