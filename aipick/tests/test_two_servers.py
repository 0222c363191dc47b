"""Two app servers sharing PostgreSQL and Redis behave as one site (issue 5, item 2).

Starts two gunicorn processes on different ports against one database and one Redis
database, then: a vote cast on one is counted and shown on the other (whose page cache
held the old count), and a rate limit reached on one holds on the other.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from bench import server

pytestmark = pytest.mark.postgres

DATABASE = "aipick_two_servers"
REDIS_DB = 14
PORTS = (8751, 8752)

_reason = server.services_answer()
if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    # It needs no Django test database, but once per suite is enough: the PostgreSQL run.
    pytestmark = [pytestmark, pytest.mark.skip(reason="two-server test runs in the PostgreSQL run")]
elif _reason:
    pytestmark = [pytestmark, pytest.mark.skip(reason=f"needs PostgreSQL and Redis: {_reason}")]


class Browser:
    """One reader's cookies, used against either server."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:
            return response.read().decode()

    def post(self, url: str, data: dict) -> int:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode(),
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def total_votes(html: str) -> int:
    text = re.sub(r"<[^>]+>", " ", html)
    return int(re.search(r"총 투표수:\s*(\d+)", text).group(1))


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    env = server.production_env(
        database=DATABASE,
        redis_db=REDIS_DB,
        POLL_RATE_LIMIT="3/minute",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESS_LOG="none",
    )
    server.recreate_database(DATABASE)
    server.flush_redis(REDIS_DB)
    # DEBUG off serves hashed static names from the manifest: a fresh clone has none yet.
    server.manage(env, "collectstatic", "--noinput", "-v0")
    server.manage(env, "migrate", "--noinput")
    server.manage(env, "load_demo")
    logs = tmp_path_factory.mktemp("gunicorn")
    with (
        server.gunicorn(env, port=PORTS[0], log_path=logs / "a.log") as a,
        server.gunicorn(env, port=PORTS[1], log_path=logs / "b.log") as b,
    ):
        yield a, b
    server.flush_redis(REDIS_DB)


def poll_page(base: str, browser: Browser) -> tuple[str, str, list[str]]:
    """The demo poll's article URL, its page and the choice ids of its vote form."""
    home = browser.get(base + "/")
    for article_url in dict.fromkeys(re.findall(r'href="(/articles/\d+/)"', home)):
        html = browser.get(base + article_url)
        choices = re.findall(r'name="choice" value="(\d+)"', html)
        if choices:
            return article_url, html, choices
    raise AssertionError("no article with an open poll on the home page")


def test_a_vote_on_one_server_is_counted_and_shown_on_the_other(two_servers):
    """Server B had the page cached before the vote on A; its next answer shows the vote."""
    a, b = two_servers
    reader, voter = Browser(), Browser()
    url, html_b, _ = poll_page(b, reader)
    before = total_votes(html_b)
    assert total_votes(reader.get(b + url)) == before  # now from B's local memory

    _, _, choices = poll_page(a, voter)
    assert voter.post(f"{a}{url}poll/vote/", {"choice": choices[0]}) == 302
    assert total_votes(reader.get(b + url)) == before + 1
    assert total_votes(Browser().get(b + url)) == before + 1


def test_a_rate_limit_reached_on_one_server_holds_on_the_other(two_servers):
    """Three votes a minute per address: the fourth is refused whichever server gets it."""
    a, b = two_servers
    url, _, choices = poll_page(a, Browser())
    statuses = []
    for n in range(4):
        # A new browser each time (no voter cookie), the same client address.
        browser = Browser()
        base = (a, b)[n % 2]
        poll_page(base, browser)
        statuses.append(browser.post(f"{base}{url}poll/vote/", {"choice": choices[n % 2]}))
    # The first test used one vote of this address's allowance on server A.
    assert statuses[:2] == [302, 302]
    assert statuses[3] == 429
