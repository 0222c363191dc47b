"""Django's PostgreSQL backend with a health check that needs no round trip to the server.

With CONN_HEALTH_CHECKS, Django asks a reused connection `SELECT 1` before a request's
first query: on a vote, one of its three round trips. An idle connection can answer the
same question locally. Between requests the server sends nothing unprompted (we never
LISTEN), except when it ends the session — a shutdown, a restart, pg_terminate_backend or
an idle timeout — and then the error it sends, or the close itself, makes the socket
readable. So an idle connection with nothing to read is still usable; anything else
(data waiting, a transaction left open) gets Django's own `SELECT 1`.

What this cannot see, neither can `SELECT 1` cheaply: a peer that vanished without a word
(a cut network). That query then fails like any other, and Django drops the connection
after the request.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE:
            poller = select.poll()
            try:
                poller.register(connection.fileno(), select.POLLIN)
                waiting = poller.poll(0)
            except (OSError, ValueError):
                return False
            if not waiting:
                return True
        return super().is_usable()
