"""Settings and URLs of the floor server: a hello world behind Django's own session and authentication middleware.

The production settings with nothing but `SessionMiddleware` and `AuthenticationMiddleware` and Django's
`ModelBackend`: a signed-in request costs a session lookup and a user lookup, the least any signed-in request of
the app can cost. bench_gunicorn compares the authenticated API read with it (issue #20: at least half its rate).
"""

from django.http import HttpResponse
from django.urls import path

from config.settings.production import *  # noqa: F403

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # allauth refuses to start without its middleware; it runs no query (it only keeps the request in a context).
    "allauth.account.middleware.AccountMiddleware",
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
ROOT_URLCONF = "bench.session_auth_floor"


def signed_in_hello(request):
    # Reading the user makes the middleware load it (a session lookup, then a user lookup), as every view of the app does.
    if not request.user.is_authenticated:
        return HttpResponse("signed out", status=401, content_type="text/plain")
    return HttpResponse("hello", content_type="text/plain")


signed_in_hello.access_rule = "signed_in"


def live(request):
    return HttpResponse("ok", content_type="text/plain")  # what the server helper polls before it hands over


live.access_rule = "public"
urlpatterns = [path("bench/signed-in-hello/", signed_in_hello), path("health/live/", live)]
