"""URLs of the benchmark server: the app's own, and a hello-world view as the same server's floor."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


hello.access_rule = "public"
urlpatterns = [path("bench/hello/", hello), path("", include("config.urls"))]
