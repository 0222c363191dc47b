"""Helpers shared by the apps' tests."""

import threading
import time

from django.db import OperationalError, connection


def run_at_once(items, work, *, connect_timeout: float = 60) -> list[BaseException]:
    """Call work(item) for every item in its own thread, all released together by a barrier.

    Each thread opens its own database connection, so the calls really race on the server.
    Errors are collected and returned for the test thread to assert on.
    """
    items = list(items)
    barrier = threading.Barrier(len(items), timeout=120)
    errors: list[BaseException] = []

    def worker(item):
        try:
            barrier.wait()
            deadline = time.monotonic() + connect_timeout
            while True:
                try:
                    # The server's connection limit is shared with other test runs:
                    # a thread that finds it full waits for a slot instead of failing.
                    connection.ensure_connection()
                    break
                except OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            work(item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
