"""Views that fail the way an outage does, for test_outages.py."""

from django.db import InterfaceError, OperationalError
from django.urls import include, path

from aipick.ratelimit import hit


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def connection_lost(request):
    raise InterfaceError("connection already closed")


def rate_limited(request):
    hit("test:outage", limit=5, window=60)
    raise AssertionError("hit() should have raised")


urlpatterns = [
    path("db-down/", database_down),
    path("connection-lost/", connection_lost),
    path("rate-limited/", rate_limited),
    path("", include("aipick.urls")),
]
