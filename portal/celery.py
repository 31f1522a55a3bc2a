"""The Celery application. Broker and result backend come from settings: Redis when ``REDIS_URL``
is set, otherwise Celery's filesystem transport (embedded mode)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
