"""Production: every secret and address must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, env, without_jit

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
# Links in emails (check-in invitations, password resets) must point at the real site, and the
# emails must really leave: a console or dummy backend would print one-time links to the log.
SITE_URL = env("SITE_URL")
EMAIL_CONFIG = env.email_url("EMAIL_URL")
if EMAIL_CONFIG["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    raise ImproperlyConfigured("EMAIL_URL must name an SMTP server in production (smtp:// ...)")
vars().update(EMAIL_CONFIG)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
without_jit(DATABASES["default"])

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# X-Forwarded-Proto is believed only where a proxy sets it; without one a client could send it.
if TRUSTED_PROXY_COUNT:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DEMO_SIGN_IN_AS = False

# Shared by every web process and worker: the guard that gathers a burst of check-ins into one
# league update must be seen by all of them (the in-process default would coalesce per process).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
    }
}
