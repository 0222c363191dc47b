"""The health check that needs no round trip still catches a connection the server ended."""

import time
from unittest import mock

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.postgres(reason="aipick.postgresql is the PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


def test_an_idle_healthy_connection_passes_without_asking_the_server():
    connection.ensure_connection()
    with mock.patch(
        "django.db.backends.postgresql.base.DatabaseWrapper.is_usable",
        side_effect=AssertionError("asked the server"),
    ):
        assert connection.is_usable()


def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    """pg_terminate_backend (what a restart does to every session) between two requests."""
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    admin = connections.create_connection("default")
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        admin.close()
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()

    # What Django does at a request's boundary and before its first query.
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


def test_a_connection_left_in_a_transaction_is_asked_as_before():
    """Anything but an idle connection gets Django's own SELECT 1."""
    connection.ensure_connection()
    with (
        mock.patch(
            "django.db.backends.postgresql.base.DatabaseWrapper.is_usable", return_value=False
        ) as asked,
        mock.patch.object(
            type(connection.connection.info), "transaction_status", new_callable=mock.PropertyMock
        ) as status,
    ):
        from psycopg import pq

        status.return_value = pq.TransactionStatus.INTRANS
        assert not connection.is_usable()
    asked.assert_called_once()
