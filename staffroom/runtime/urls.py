"""Runtime endpoints: /health/live, /health/ready, /metrics."""

from django.urls import path

from . import views

app_name = "runtime"
urlpatterns = [
    path("health/live/", views.live, name="live"),
    path("health/ready/", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
]
