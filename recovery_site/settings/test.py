"""The test suite: real PostgreSQL and Redis, as in production."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, env, without_jit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

DATABASES["default"] = env.db("DATABASE_URL", default="postgres:///recovery_care")
DATABASES["default"]["CONN_MAX_AGE"] = 0
without_jit(DATABASES["default"])
# Eager by default so unit tests run tasks in-process; the real-worker test starts its worker
# with CELERY_TASK_ALWAYS_EAGER=false. The broker comes from REDIS_URL / CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files straight from their sources, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_SIGN_IN_AS = False
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
