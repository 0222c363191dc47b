"""Simulated AI PICK readers for `make loadtest` (locust, headless).

Anonymous readers (7 in 10) read the home page and articles and vote, new votes and
changed ones; members (3 in 10) also comment, like comments and save articles. Each
simulated reader has its own client address in X-Forwarded-For, as behind nginx, so
the per-IP vote limit applies per reader and not to the whole test.

Reads the ids it needs from BENCH_INFO (JSON written by bench/seed.py).
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

INFO = json.loads(os.environ.get("BENCH_INFO", "{}"))
ARTICLE = INFO.get("article_id", 1)
ARTICLES = INFO.get("article_ids", [ARTICLE])
CHOICES = INFO.get("choice_ids", [])
COMMENTS = INFO.get("comment_ids", [])
MEMBERS = itertools.cycle(list(zip(INFO.get("members", []), INFO.get("sessions", []), strict=True)))
COMMENT_GAP = float(os.environ.get("LOADTEST_COMMENT_GAP", "16"))
_addresses = itertools.count(1)


class Reader(HttpUser):
    weight = 7
    wait_time = between(1, 3)

    def on_start(self):
        n = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

    def csrf(self) -> dict:
        if "csrftoken" not in self.client.cookies:
            self.client.get(f"/articles/{ARTICLE}/", name="/articles/[id]/")
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    @task(3)
    def home(self):
        self.client.get("/", name="/")

    @task(5)
    def article(self):
        self.client.get(f"/articles/{random.choice(ARTICLES)}/", name="/articles/[id]/")

    @task(2)
    def vote(self):
        if not CHOICES:
            return
        # The first vote adds one; later ones change the choice (or repeat it).
        self.client.post(
            f"/articles/{ARTICLE}/poll/vote/",
            data={"choice": random.choice(CHOICES)},
            headers=self.csrf(),
            allow_redirects=False,
            name="POST vote",
        )


class Member(Reader):
    weight = 3

    def on_start(self):
        super().on_start()
        self.last_comment = -COMMENT_GAP
        # Already signed in (a session made by bench/seed.py), as most members are.
        self.username, session_key = next(MEMBERS)
        self.client.cookies.set("sessionid", session_key)

    @task(1)
    def comment(self):
        # Members keep to the site's one-comment-per-15-seconds rule, as people do.
        now = self.environment.runner.stats.total.last_request_timestamp or 0
        if now - self.last_comment < COMMENT_GAP:
            return
        self.last_comment = now
        self.client.post(
            f"/articles/{ARTICLE}/comments/new/",
            data={"body": f"부하 시험 댓글 {self.username} {random.randrange(10**9)}"},
            headers=self.csrf(),
            allow_redirects=False,
            name="POST comment",
        )

    @task(2)
    def like(self):
        if not COMMENTS:
            return
        self.client.post(
            f"/comments/{random.choice(COMMENTS)}/react/",
            data={"kind": "like", "on": random.choice(["1", "0"])},
            headers=self.csrf(),
            allow_redirects=False,
            name="POST like",
        )

    @task(1)
    def save(self):
        self.client.post(
            f"/articles/{random.choice(ARTICLES)}/save/",
            data={"saved": random.choice(["1", "0"])},
            headers=self.csrf(),
            allow_redirects=False,
            name="POST save",
        )
