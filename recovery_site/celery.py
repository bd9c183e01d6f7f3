"""The Celery application. Broker and behaviour come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.local")

app = Celery("recovery_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
