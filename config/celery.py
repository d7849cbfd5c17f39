"""The Celery application: settings from Django (CELERY_*), tasks discovered in every app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("staffroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
