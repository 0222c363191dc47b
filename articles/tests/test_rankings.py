"""The front page's ranked lists and category blocks (articles/rankings.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import modify_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import hooks
from articles.models import Article, ArticleRead
from articles.rankings import category_blocks, front_page_rankings, rankings

from .factories import make_article, make_category
from .helpers import assert_in_order, page_text

pytestmark = pytest.mark.django_db

HEADINGS = ["많이 본 기사", "댓글 많은 기사", "지금 뜨거운 투표"]


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def add_reads(article, readers: int, *, hour=None):
    hour = (hour or timezone.now()).replace(minute=0, second=0, microsecond=0)
    ArticleRead.objects.bulk_create(
        ArticleRead(article=article, hour=hour, reader=f"{article.pk:08x}{n:024x}")
        for n in range(readers)
    )


def titles(articles) -> list[str]:
    return [article.title for article in articles]


def test_most_read_ranks_by_readers_in_the_last_day_ties_newest_first():
    """More readers today ranks higher; an equal count puts the newer article first;
    yesterday's crowd and drafts do not count."""
    older = make_article(title="오래된 인기", published_at=hours_ago(30))
    newer = make_article(title="새 인기", published_at=hours_ago(2))
    top = make_article(title="가장 많이 읽음", published_at=hours_ago(40))
    stale = make_article(title="어제 인기", published_at=hours_ago(50))
    draft = make_article(title="초안", status=Article.Status.DRAFT, published_at=None)
    add_reads(older, 3)
    add_reads(newer, 3)
    add_reads(top, 7)
    add_reads(stale, 20, hour=hours_ago(26))
    add_reads(draft, 50)
    most_read = front_page_rankings().most_read
    assert titles(most_read)[:3] == ["가장 많이 읽음", "새 인기", "오래된 인기"]
    assert [article.rank_count for article in most_read[:3]] == [7, 3, 3]
    assert "초안" not in titles(most_read)
    # Topped up with the newest: yesterday's article is there, without a count of today.
    assert most_read[3].title == "어제 인기" and most_read[3].rank_count is None


def test_lists_fall_back_to_the_newest_and_hold_five():
    """With no reads, comments or votes yet, every list shows the five newest articles."""
    made = [make_article(published_at=hours_ago(10 - n)) for n in range(7)]
    newest = titles(reversed(made[2:]))
    ranked = front_page_rankings()
    assert titles(ranked.most_read) == newest
    assert titles(ranked.most_commented) == newest
    assert titles(ranked.hot_polls) == newest


def test_lists_are_empty_without_published_articles():
    """No published article: nothing to rank, and nothing is invented."""
    make_article(status=Article.Status.DRAFT, published_at=None)
    assert front_page_rankings() == ([], [], [])


def test_most_commented_counts_visible_comments_of_the_last_day():
    """Comments written today rank an article; hidden and older ones do not."""
    from comments.models import Comment
    from comments.tests.factories import make_comment

    quiet, busy, hidden_only = make_article(), make_article(), make_article()
    for _ in range(3):
        make_comment(article=busy)
    make_comment(article=quiet)
    old = make_comment(article=quiet)
    Comment.objects.filter(pk=old.pk).update(created_at=hours_ago(25))
    for _ in range(5):
        make_comment(article=hidden_only, status=Comment.Status.HIDDEN)
    ranked = front_page_rankings().most_commented
    assert [(a.pk, a.rank_count) for a in ranked[:2]] == [(busy.pk, 3), (quiet.pk, 1)]
    assert ranked[2].pk == hidden_only.pk and ranked[2].rank_count is None


def test_hot_polls_count_votes_of_the_last_day():
    """Votes cast today rank an article's poll; yesterday's votes do not."""
    from polls.models import Vote
    from polls.services import poll_vote_cast
    from polls.tests.factories import browser, choices, make_poll

    calm, hot = make_poll(), make_poll()
    for _ in range(4):
        poll_vote_cast(poll=hot, choice=choices(hot)[0], voter=browser())
    for _ in range(6):
        poll_vote_cast(poll=calm, choice=choices(calm)[1], voter=browser())
    Vote.objects.filter(poll=calm).update(created_at=hours_ago(30))
    poll_vote_cast(poll=calm, choice=choices(calm)[0], voter=browser())
    ranked = front_page_rankings().hot_polls
    assert [(a.pk, a.rank_count) for a in ranked[:2]] == [(hot.article_id, 4), (calm.article_id, 1)]


def test_the_home_page_shows_the_three_lists_and_category_blocks(client):
    """`/` shows the newest, then a block per category (its four newest), and the three lists."""
    ai = make_category(name="기술/연구", order=1)
    policy = make_category(name="정책", order=2)
    make_category(name="빈 분야", order=3)
    for n in range(6):
        make_article(category=ai, title=f"연구 기사 {n}", published_at=hours_ago(20 - n))
    make_article(category=policy, title="정책 기사", published_at=hours_ago(1))
    response = client.get("/")
    text = page_text(response)
    assert_in_order(
        text, ["최신 기사", "기술/연구", "연구 기사 5", "연구 기사 2", "정책", *HEADINGS]
    )
    assert "빈 분야" not in text.split("최신 기사", 1)[1].split("많이 본 기사")[0]
    blocks = category_blocks()
    assert [(category.name, len(articles)) for category, articles in blocks] == [
        ("기술/연구", 4),
        ("정책", 1),
    ]


def test_the_article_page_shows_the_lists(client):
    """The article page carries the same three lists."""
    article = make_article(title="읽는 기사")
    text = page_text(client.get(article.get_absolute_url()))
    assert_in_order(text, HEADINGS)


def test_no_lists_on_an_empty_site(client):
    """With no article yet, the home page says so and shows no empty ranked lists."""
    text = page_text(client.get("/"))
    assert "아직 발행된 기사가 없습니다." in text
    assert "많이 본 기사" not in text


def ranking_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        front_page_rankings()
        category_blocks()
    return len(queries)


def test_rankings_and_blocks_run_the_same_queries_as_the_site_grows():
    """Four queries for the lists and two for the blocks, with 3 articles or 40 and their reads."""
    from comments.tests.factories import make_comment

    categories = [make_category() for _ in range(3)]
    for category in categories:
        add_reads(make_article(category=category), 2)
    small = ranking_queries()
    for n in range(37):
        article = make_article(category=categories[n % 3])
        add_reads(article, n % 7)
        make_comment(article=article)
    assert ranking_queries() == small == 6


def test_the_lists_are_kept_a_minute_in_the_process(live_page_cache):
    """Computed once, then read from this process's memory: no query per page view."""
    make_article(title="첫 기사")
    first = rankings(site_token=1)
    with CaptureQueriesContext(connection) as queries:
        again = rankings(site_token=1)
    assert len(queries) == 0
    assert titles(again.most_read) == titles(first.most_read) == ["첫 기사"]
    # An editor's write moves the site token: the next page computes them afresh.
    make_article(title="둘째 기사", published_at=hours_ago(0.5))
    assert titles(rankings(site_token=2).most_read) == ["둘째 기사", "첫 기사"]


def test_comments_and_polls_offer_their_lists_and_are_optional():
    """Comments and polls rank through articles' hook; without comments the list is the newest."""
    assert set(hooks.rankings()) == {"most_commented", "hot_polls"}
    from comments.tests.factories import make_comment

    newer, commented = make_article(), make_article(published_at=hours_ago(5))
    make_comment(article=commented)
    with modify_settings(INSTALLED_APPS={"remove": ["comments"]}):
        assert set(hooks.rankings()) == {"hot_polls"}
        assert titles(front_page_rankings().most_commented) == [newer.title, commented.title]
    assert titles(front_page_rankings().most_commented) == [commented.title, newer.title]
