"""Liveness, readiness and metrics endpoints for load balancers and Prometheus."""

import asyncio
import hmac
import os

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from health_check.checks import Cache, Database
from prometheus_client import multiprocess

from .health import Broker, MigrationsApplied
from .metrics import StaffroomCollector

READINESS_CHECKS = (Database, Cache, Broker, MigrationsApplied)


def public(view):
    """The access rule "public" of the URL meta-test (the runtime sits below the staff app's decorator)."""
    view.access_rule = "public"
    return view


@never_cache
@public
def live(request):
    """The process answers; nothing else is checked (restart the container when this fails)."""
    return JsonResponse({"status": "ok"})


async def _results():
    return await asyncio.gather(*(check().get_result() for check in READINESS_CHECKS))


@never_cache
@public
def ready(request):
    """Database, cache, broker and migrations: 200 when every one is fine, 503 naming the failing ones."""
    results = asyncio.run(_results())
    checks = {type(result.check).__name__: ("ok" if result.error is None else str(result.error)) for result in results}
    healthy = all(result.error is None for result in results)
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def _may_read_metrics(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    # Without a token, platform staff signed in to the operator console may look.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@never_cache
@public
def metrics(request):
    """Prometheus exposition, for the scraper (bearer METRICS_TOKEN) or platform staff; 404 to everyone else."""
    if not _may_read_metrics(request):
        return HttpResponse(status=404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: add up every process's files, plus our database-backed figures once.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(StaffroomCollector())
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(prometheus_client.generate_latest(registry), content_type=prometheus_client.CONTENT_TYPE_LATEST)
