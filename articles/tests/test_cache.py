"""Kept renderings: shared only when nothing is personal, fresh after every write."""

import re

import pytest
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


def tokens_of(article) -> dict:
    names = (page_cache.article_token(article.pk), page_cache.SITE, page_cache.CARDS)
    return page_cache.current_tokens(*names)


def test_second_anonymous_reader_is_served_from_memory(client, article, django_assert_num_queries):
    """Once one anonymous reader has rendered the page, the next one costs no query."""
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(0):
        response = Client().get(article.get_absolute_url())
    assert "캐시 시험 기사" in response.content.decode()


def test_each_reader_gets_their_own_csrf_token_from_a_shared_page(article):
    """Two readers of one kept page get different tokens, each valid with their own cookie."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get(article.get_absolute_url()) for c in (first, second, first)]
    tokens = [TOKEN.findall(p.content.decode())[0] for p in pages]
    assert all(CSRF_PLACEHOLDER not in p.content.decode() for p in pages)
    assert tokens[0] != tokens[1]
    assert "private" in pages[2]["Cache-Control"]
    # The returning reader (cookie already held) still gets a token that matches it.
    for c, token in ((first, tokens[2]), (second, tokens[1])):
        response = c.post("/accounts/login/", {"csrfmiddlewaretoken": token})
        assert response.status_code != 403


def test_a_members_page_is_never_shared(article):
    """A member's greeting never reaches an anonymous reader or another member."""
    alice = make_user(username="alice", display_name="앨리스기자")
    bob = make_user(username="bob", display_name="밥독자")
    url = article.get_absolute_url()
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    assert "앨리스기자" in as_alice.get(url).content.decode()
    assert "앨리스기자" not in Client().get(url).content.decode()
    assert "앨리스기자" not in as_bob.get(url).content.decode()
    assert "밥독자" not in Client().get(url).content.decode()


def test_a_cookie_the_site_did_not_set_changes_nothing(article, django_assert_num_queries):
    """Fifty readers with fifty unknown cookies share the one kept page: no renderings of their own."""
    url = article.get_absolute_url()
    Client().get(url)
    expected = TOKEN.sub("", Client().get(url).content.decode())
    for n in range(50):
        reader = Client()
        reader.cookies[f"junk{n}"] = "x"
        with django_assert_num_queries(0):
            assert TOKEN.sub("", reader.get(url).content.decode()) == expected


@pytest.mark.parametrize("cookie", ["sessionid", "aipick_voter", "messages"])
def test_a_cookie_of_the_site_gets_a_page_rendered_for_the_reader(article, cookie):
    """A session, a voter or a one-time message may make the page personal: never from the keep."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = article.get_absolute_url()
    Client().get(url)
    Client().get(url)
    reader = Client()
    reader.cookies[cookie] = "anything"
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(url).status_code == 200
    assert len(queries) > 0


def test_a_voter_shares_the_kept_lists_but_not_the_article(article, django_assert_num_queries):
    """Voting marks nothing on home, category or reporter pages, so a voter gets the kept
    copy there (no query); on the article page, which marks their choice, they do not."""
    lists = ["/", article.category.get_absolute_url(), f"/reporters/{article.reporter_id}/"]
    for url in lists:
        Client().get(url)
        Client().get(url)
    voter = Client()
    voter.cookies["aipick_voter"] = "a-voter"
    for url in lists:
        with django_assert_num_queries(0):
            assert voter.get(url).status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Client().get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert voter.get(article.get_absolute_url()).status_code == 200
    assert len(queries) > 0


def test_query_strings_and_htmx_requests_are_rendered_for_the_request(
    article, django_assert_max_num_queries
):
    """Sorted or paged views and htmx partials are rendered, not taken from the kept page."""
    url = article.get_absolute_url()
    Client().get(url)
    with django_assert_max_num_queries(50) as sorted_view:
        Client().get(url, {"sort": "latest"})
    assert len(sorted_view) > 0
    with django_assert_max_num_queries(50) as partial:
        Client().get(url, headers={"hx-request": "true"})
    assert len(partial) > 0


def test_a_save_shows_on_the_next_anonymous_request(
    client, article, django_capture_on_commit_callbacks
):
    """A member's save is counted on the very next anonymous page view, not after a timeout."""
    url = article.get_absolute_url()
    assert "저장 0" in page_text(client.get(url))
    assert "저장 0" in page_text(Client().get(url))
    with django_capture_on_commit_callbacks(execute=True):
        article_save_toggle(article=article, user=make_user())
    assert "저장 1" in page_text(Client().get(url))


def test_a_token_moves_only_after_the_commit(article, django_capture_on_commit_callbacks):
    """A reader between the write and its commit must not keep old rows under a new token."""
    Client().get(article.get_absolute_url())
    before = tokens_of(article)
    assert len(before) == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_cache.article_changed(article.pk)
        assert tokens_of(article) == before
    assert len(callbacks) == 1
    after = tokens_of(article)
    article_key = page_cache.article_token(article.pk)
    assert after[article_key] != before[article_key]
    assert after[page_cache.CARDS] != before[page_cache.CARDS]
    assert after[page_cache.SITE] == before[page_cache.SITE]


def test_a_missing_article_leaves_nothing_behind(settings, tmp_path):
    """Fifty requests for articles that do not exist start no token and keep no page."""
    shared, local = tmp_path / "shared", tmp_path / "local"
    file_cache = "django.core.cache.backends.filebased.FileBasedCache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": file_cache, "LOCATION": shared},
        "local": {"BACKEND": file_cache, "LOCATION": local},
    }
    Client().get("/")  # the site's own entries: its tokens and the header's categories
    before = sorted(shared.glob("*")) + sorted(local.glob("*"))
    for missing_id in range(900_000, 900_050):
        assert Client().get(f"/articles/{missing_id}/").status_code == 404
    assert sorted(shared.glob("*")) + sorted(local.glob("*")) == before


def test_an_admin_edit_shows_on_the_next_request(
    admin_client, article, django_capture_on_commit_callbacks
):
    """An editor's change in the admin reaches anonymous readers on their next request."""
    url = article.get_absolute_url()
    Client().get(url)
    Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
        )
    assert Client().get(url).status_code == 404


def test_without_the_shared_cache_nothing_is_served_from_memory(settings, article):
    """If the tokens cannot be read (Redis down), the page is rendered, never an old copy."""
    from aipick.cache import redis_breaker

    url = article.get_absolute_url()
    Client().get(url)
    Client().get(url)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "aipick.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:6390/14",
        },
    }
    from articles.models import Article

    Article.objects.filter(pk=article.pk).update(save_count=3)
    try:
        assert "저장 3" in page_text(Client().get(url))
    finally:
        redis_breaker.close()


def test_votes_show_at_once_and_each_voter_sees_their_own_choice(
    django_capture_on_commit_callbacks,
):
    """A new vote is counted on every reader's next view; a voter's own page marks their side."""
    from polls.tests.factories import choices, make_poll

    poll = make_poll()
    url = poll.article.get_absolute_url()
    Client().get(url)
    pro, con = choices(poll)
    voters = [Client(), Client()]
    with django_capture_on_commit_callbacks(execute=True):
        for voter, choice in zip(voters, (pro, con), strict=True):
            voter.post(f"/articles/{poll.article_id}/poll/vote/", {"choice": choice.pk})
    pages = [page_text(voter.get(url)) for voter in voters]
    assert "찬성 50% (1표)" in pages[0] and "반대 50% (1표)" in pages[1]
    assert "내 선택: 찬성" in pages[0] and "내 선택: 반대" in pages[1]
    assert "총 투표수: 2" in page_text(Client().get(url))


def test_a_member_never_gets_the_comment_section_kept_for_anonymous_readers(article):
    """Anonymous readers get sign-in links under a comment; a member gets the buttons."""
    from django.urls import reverse

    from comments.services import comment_create

    comment = comment_create(article=article, author=make_user(), body="공감을 기다리는 댓글")
    react = reverse("comments:react", args=[comment.pk])
    url = article.get_absolute_url()
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
    Client().get(url)
    assert "저장 7" in page_text(Client().get(url))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recount", verbosity=0)
    assert "저장 0" in page_text(Client().get(url))


def test_the_home_page_is_kept_and_follows_the_counts_on_its_cards(
    article, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The home page costs no query while nothing changed, and shows a new save at once."""
    Client().get("/")
    Client().get("/")
    with django_assert_num_queries(0):
        assert "저장 0" in page_text(Client().get("/"))
    with django_capture_on_commit_callbacks(execute=True):
        article_save_toggle(article=article, user=make_user())
    assert "저장 1" in page_text(Client().get("/"))


def test_a_zero_page_cache_time_keeps_nothing_rendered(settings, article):
    """DJANGO_PAGE_CACHE_SECONDS=0 turns the fragments off with the pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {**settings.CACHES, "local": {**settings.LOCAL_CACHE, "TIMEOUT": 0}}
    url = article.get_absolute_url()
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "articles_article" in tables and "comments_comment" in tables


def test_a_members_page_is_kept_for_them_and_follows_their_writes(
    article, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A member re-reading costs only their session and account; their save shows at once."""
    member = Client()
    member.force_login(make_user(display_name="다시읽는독자"))
    url = article.get_absolute_url()
    member.get(url)
    member.get(url)
    with django_assert_num_queries(2):  # the session and the member
        assert "다시읽는독자" in member.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(f"/articles/{article.pk}/save/", {"saved": "1"})
    assert "저장 1" in page_text(member.get(url))


def test_a_refused_comment_is_shown_once_under_its_form_not_kept(article):
    """The Korean refusal waits in the session for the next view only; a kept page never hides it."""
    from comments.services import COMMENT_EMPTY

    member = Client()
    member.force_login(make_user())
    url = article.get_absolute_url()
    member.get(url)
    member.get(url)
    member.post(f"/articles/{article.pk}/comments/new/", {"body": "   "})
    assert COMMENT_EMPTY in page_text(member.get(url))
    assert COMMENT_EMPTY not in page_text(member.get(url))
