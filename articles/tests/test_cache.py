"""The two-tier article page cache: shared only when nothing is personal, fresh after every write."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from aipick.csrf import CSRF_PLACEHOLDER
from articles import cache as page_cache
from articles.services import article_save_toggle

from .factories import make_article, make_user
from .helpers import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_page_cache")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def article():
    return make_article(title="캐시 시험 기사")


def test_second_anonymous_reader_is_served_from_local_memory(
    client, article, django_assert_num_queries
):
    """Once one anonymous reader has rendered the page, the next one costs no query."""
    assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(0):
        response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    assert "캐시 시험 기사" in response.content.decode()


def test_each_reader_gets_their_own_csrf_token_from_a_shared_page(article):
    """Two readers of one cached page get different tokens, each valid with their own cookie."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get(article.get_absolute_url()) for c in (first, second)]
    tokens = [TOKEN.findall(p.content.decode()) for p in pages]
    html = pages[1].content.decode()
    assert CSRF_PLACEHOLDER not in html
    assert page_cache.NONCE_PLACEHOLDER not in html
    if not tokens[0]:
        pytest.skip("the article page has no form yet")
    assert tokens[0][0] != tokens[1][0]
    for c, page_tokens in zip((first, second), tokens, strict=True):
        assert c.cookies["csrftoken"].value
        # A sign-in POST carrying the page's token passes the CSRF check (no 403).
        response = c.post("/accounts/login/", {"csrfmiddlewaretoken": page_tokens[0]})
        assert response.status_code != 403


def test_a_members_page_is_never_shared(article):
    """A member's greeting never reaches an anonymous reader or another member."""
    alice = make_user(username="alice", display_name="앨리스기자")
    bob = make_user(username="bob", display_name="밥독자")
    url = article.get_absolute_url()
    as_alice, as_bob, anonymous = Client(), Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)

    assert "앨리스기자" in as_alice.get(url).content.decode()
    anonymous_html = anonymous.get(url).content.decode()
    bob_html = as_bob.get(url).content.decode()
    assert "앨리스기자" not in anonymous_html
    assert "앨리스기자" not in bob_html
    assert "밥독자" in bob_html
    assert "밥독자" not in Client().get(url).content.decode()


def test_a_reader_with_personal_cookies_gets_a_fresh_page(
    client, article, django_assert_num_queries
):
    """A voter's or a session cookie means the page may be personal: it is rendered for them."""
    Client().get(article.get_absolute_url())
    client.cookies["aipick_voter"] = "some-signed-token"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert not page_cache.is_shareable(response.wsgi_request)


def test_a_save_shows_on_the_next_anonymous_request(
    client, article, django_capture_on_commit_callbacks
):
    """A member's save is counted on the very next anonymous page view, not after a timeout."""
    url = article.get_absolute_url()
    assert "저장 0" in page_text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        article_save_toggle(article=article, user=make_user())
    assert "저장 1" in page_text(Client().get(url))


def test_a_version_bump_is_seen_by_another_server(article, django_capture_on_commit_callbacks):
    """Another process's local memory holds the old page; the shared version makes it miss."""
    url = article.get_absolute_url()
    Client().get(url)
    old = page_cache.article_versions(article.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_cache.article_changed(article.pk)
        # Not before the commit: a reader must not cache the old rows under the new version.
        assert page_cache.article_versions(article.pk) == old
    assert len(callbacks) == 1
    new = page_cache.article_versions(article.pk)
    assert new[0] != old[0] and new[1] != old[1]


def test_a_poll_change_keeps_the_shell_and_moves_the_page(
    article, django_capture_on_commit_callbacks
):
    """An anonymous vote retires the page but not its shell: only the poll is rendered again."""
    old_shell, old_page = page_cache.article_versions(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.poll_changed(article.pk)
    shell, page = page_cache.article_versions(article.pk)
    assert shell == old_shell and page != old_page


def test_an_admin_edit_shows_on_the_next_request(
    admin_client, article, django_capture_on_commit_callbacks
):
    """An editor's change in the admin reaches anonymous readers on their next request."""
    url = article.get_absolute_url()
    Client().get(url)
    site_before = caches["default"].get(page_cache.SITE_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
        )
    assert Client().get(url).status_code == 404
    assert caches["default"].get(page_cache.SITE_VERSION_KEY) != site_before


def test_without_the_shared_cache_nothing_is_served_from_local_memory(settings, article):
    """If the version cannot be read (Redis down), the page is rendered, never a stale copy."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "aipick.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:6390/14",
        },
    }
    assert page_cache.article_versions(article.pk) is None
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_query_strings_and_htmx_requests_bypass_the_cache(rf, article):
    """Sorted or paged views and htmx partials are rendered, not taken from the shared page."""
    from django.contrib.auth.models import AnonymousUser

    for request in (
        rf.get("/", {"sort": "likes"}),
        rf.get("/", headers={"hx-request": "true"}),
        rf.post("/"),
    ):
        request.user = AnonymousUser()
        assert not page_cache.is_shareable(request)


def test_members_get_their_own_cached_page_that_follows_their_writes(
    article, django_capture_on_commit_callbacks
):
    """A member's page is kept for them alone and shows their save on the very next view."""
    alice, bob = make_user(display_name="앨리스"), make_user(display_name="밥")
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    url = article.get_absolute_url()
    assert "앨리스" in as_alice.get(url).content.decode()
    assert "앨리스" in as_alice.get(url).content.decode()  # from local memory now
    assert "앨리스" not in as_bob.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article_save_toggle(article=article, user=alice)
    assert "저장 1" in page_text(as_alice.get(url))
    assert "저장 1" in page_text(as_bob.get(url))


def test_a_flash_message_is_never_cached(article):
    """A one-time message is shown once, not replayed from a cached page."""
    from django.contrib.messages.storage.cookie import CookieStorage

    client = Client()
    client.cookies[CookieStorage.cookie_name] = "anything"
    response = client.get(article.get_absolute_url())
    assert page_cache.reader_key(response.wsgi_request) is None


def test_a_returning_reader_revalidates_with_a_304(
    client, article, django_capture_on_commit_callbacks
):
    """The browser asks "still the same?" and gets a bodiless 304 until something changes."""
    url = article.get_absolute_url()
    first = client.get(url)
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and not again.content
    with django_capture_on_commit_callbacks(execute=True):
        article_save_toggle(article=article, user=make_user())
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and "저장 1" in page_text(changed)


def test_a_page_rendered_by_one_process_is_finished_by_another(article, django_assert_num_queries):
    """With Redis, another process (its memory empty) serves the page rendered elsewhere,
    with its own reader's CSRF token and nonce: one render per write, not one per process."""
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["pages"], RedisCache):
        pytest.skip("the shared page tier is Redis's (REDIS_URL); alone, a process has its own")
    first = Client(enforce_csrf_checks=True)
    first.get(article.get_absolute_url())
    caches["local"].clear()  # another process: nothing in its memory
    second = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        html = second.get(article.get_absolute_url()).content.decode()
    assert "캐시 시험 기사" in html
    assert CSRF_PLACEHOLDER not in html and page_cache.NONCE_PLACEHOLDER not in html
    tokens = TOKEN.findall(html)
    if tokens:
        response = second.post("/accounts/login/", {"csrfmiddlewaretoken": tokens[0]})
        assert response.status_code != 403


def test_after_an_anonymous_vote_only_the_poll_is_rendered_again(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The next reader sees the new count at once, and the page around the poll is reused."""
    from polls.services import poll_vote_cast
    from polls.tests.factories import browser, choices, make_poll

    poll = make_poll(results_visibility="always")
    url = poll.article.get_absolute_url()
    assert "총 투표수: 0" in page_text(Client().get(url))
    pro, _ = choices(poll)
    with django_capture_on_commit_callbacks(execute=True):
        poll_vote_cast(poll=poll, choice=pro, voter=browser())
    # The article and the poll with its choices: no comments, cards or summary lines.
    with django_assert_max_num_queries(3):
        response = Client().get(url)
    text = page_text(response)
    assert "총 투표수: 1" in text and "찬성 100.0% (1표)" in text
    assert page_cache.POLL_SLOT not in response.content.decode()


def test_voters_share_the_page_around_their_own_poll(django_capture_on_commit_callbacks):
    """Two anonymous voters: one shell, each with their own vote marked in the poll."""
    from polls.tests.factories import choices, make_poll

    poll = make_poll()
    url = poll.article.get_absolute_url()
    pro, con = choices(poll)
    voters = [Client(), Client()]
    with django_capture_on_commit_callbacks(execute=True):
        for voter, choice in zip(voters, (pro, con), strict=True):
            voter.post(f"/articles/{poll.article_id}/poll/vote/", {"choice": choice.pk})
    first = voters[0].get(url)
    assert first.wsgi_request.COOKIES.get("aipick_voter")
    shell = page_cache.shell_reader(first.wsgi_request, page_cache.reader_key(first.wsgi_request))
    assert shell == "everyone"
    pages = [page_text(first), page_text(voters[1].get(url))]
    assert "찬성 50.0% (1표)" in pages[0] and "반대 50.0% (1표)" in pages[1]
    assert "내 선택: 찬성" in pages[0] and "내 선택: 반대" in pages[1]


def test_a_page_rendered_afresh_reuses_what_every_reader_shares(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A query string renders the page afresh, yet what only a write changes is kept: the
    article row, the poll, the text, the comments and the related cards cost no query until
    the next write — and a new comment or vote still shows on the very next request."""
    from comments.services import comment_create
    from polls.services import poll_vote_cast
    from polls.tests.factories import browser, choices, make_poll

    poll = make_poll(results_visibility="always")
    article = poll.article
    url = f"{article.get_absolute_url()}?utm_source=newsletter"
    Client().get(url)
    with django_assert_num_queries(0):
        text = page_text(Client().get(url))
    assert article.title in text and "댓글 0" in text and "총 투표수: 0" in text
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(article=article, author=make_user(), body="새로 달린 의견입니다")
    text = page_text(Client().get(url))
    assert "새로 달린 의견입니다" in text and "댓글 1" in text
    with django_capture_on_commit_callbacks(execute=True):
        poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert "총 투표수: 1" in page_text(Client().get(url))


def test_a_kept_article_still_follows_the_clock_and_the_reader(article):
    """A scheduled article is kept like any row, yet readers get a 404 until its time and
    staff its preview."""
    from datetime import timedelta

    from django.utils import timezone

    article.published_at = timezone.now() + timedelta(hours=1)
    article.save()
    url = f"{article.get_absolute_url()}?from=feed"
    assert Client().get(url).status_code == 404
    staff = Client()
    staff.force_login(make_user(username="desk", staff=True))
    assert "미리보기" in page_text(staff.get(url))
    assert Client().get(url).status_code == 404


def test_a_member_never_gets_the_comment_section_kept_for_anonymous_readers(article):
    """Anonymous readers get sign-in links under a comment; a member gets the buttons."""
    from django.urls import reverse

    from comments.services import comment_create

    comment = comment_create(article=article, author=make_user(), body="공감을 기다리는 댓글")
    react = reverse("comments:react", args=[comment.pk])
    url = f"{article.get_absolute_url()}?tab=all"
    assert react not in Client().get(url).content.decode()
    member = Client()
    member.force_login(make_user(username="reader"))
    assert f'action="{react}"' in member.get(url).content.decode()


def test_counts_repaired_by_recount_show_on_the_next_request(
    article, django_capture_on_commit_callbacks
):
    """A page kept with a drifted count is retired once `recount` puts the count right."""
    from django.core.management import call_command

    from articles.models import Article

    Article.objects.filter(pk=article.pk).update(save_count=7)
    url = article.get_absolute_url()
    assert "저장 7" in page_text(Client().get(url))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recount", verbosity=0)
    assert "저장 0" in page_text(Client().get(url))


def test_a_zero_page_cache_time_keeps_nothing_rendered(settings, article):
    """DJANGO_PAGE_CACHE_SECONDS=0 turns the fragments and kept rows off with the pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {**settings.CACHES, "local": {**settings.LOCAL_PAGE_CACHE, "TIMEOUT": 0}}
    url = f"{article.get_absolute_url()}?utm_source=feed"
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "articles_article" in tables and "comments_comment" in tables
