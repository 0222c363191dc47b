import pytest
from django.contrib.auth.models import AnonymousUser

from comments import services
from comments.section import build_section

from .factories import make_article, make_comment, make_poll, make_user, react, vote

pytestmark = pytest.mark.django_db


def debate(n_pro=2, n_con=2):
    """An article with a poll and comments by members on each side."""
    article = make_article()
    poll = make_poll(article)
    comments = {"찬성": [], "반대": []}
    for label, n in (("찬성", n_pro), ("반대", n_con)):
        for i in range(n):
            author = make_user(display_name=f"{label}{i}")
            vote(poll, author, label)
            comments[label].append(
                services.comment_create(article=article, author=author, body=f"{label} 의견 {i}")
            )
    return article, poll, comments


def bodies(section):
    return [c.body for c in section["threads"]]


def test_badges_follow_the_vote_live(client):
    """The commenter's side shows as a badge; after changing their vote it follows and says 입장 변경."""
    article, poll, comments = debate(1, 1)
    client.force_login(make_user())  # a member's page is rendered fresh, never shared
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'comment-badge--pro">찬성<' in html and 'comment-badge--con">반대<' in html
    vote(poll, comments["찬성"][0].author, "반대")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "입장 변경" in html and 'comment-badge--pro">찬성<' not in html


def test_tabs_filter_by_side():
    """찬성 and 반대 tabs show only that side's comments."""
    article, _, comments = debate(2, 1)
    anon = AnonymousUser()
    pro = build_section(article=article, viewer=anon, tab="pro")
    assert set(bodies(pro)) == {c.body for c in comments["찬성"]}
    con = build_section(article=article, viewer=anon, tab="con")
    assert bodies(con) == ["반대 의견 0"]


def test_balance_is_default_and_alternates():
    """With both sides present the default sort alternates 찬성 and 반대."""
    article, _, _ = debate(2, 2)
    section = build_section(article=article, viewer=AnonymousUser())
    assert section["sort"] == "balance"
    assert [c.side for c in section["threads"]] == ["찬성", "반대", "찬성", "반대"]


def test_latest_is_default_without_a_debate():
    """Without both sides the list starts newest first and offers no 균형 sort."""
    article = make_article()
    make_comment(article=article, body="하나")
    section = build_section(article=article, viewer=AnonymousUser())
    assert section["sort"] == "latest" and "balance" not in section["sorts"]


def test_net_and_ratio_sorts():
    """순공감순 ranks by likes minus dislikes; 공감비율순 by the share of likes, once there are enough."""
    article = make_article()
    crowd = [make_user() for _ in range(10)]
    many = make_comment(article=article, body="많이 받은 글")  # 6 likes, 4 dislikes
    for user in crowd[:6]:
        react(many, user, "like")
    for user in crowd[6:]:
        react(many, user, "dislike")
    clean = make_comment(article=article, body="깔끔한 글")  # 3 likes, 0 dislikes
    for user in crowd[:3]:
        react(clean, user, "like")
    lonely = make_comment(article=article, body="한 표뿐인 글")  # 1 like: below the minimum
    react(lonely, crowd[0], "like")
    anon = AnonymousUser()
    assert bodies(build_section(article=article, viewer=anon, sort="net"))[0] == "깔끔한 글"
    ratio = bodies(build_section(article=article, viewer=anon, sort="ratio"))
    assert ratio == ["깔끔한 글", "많이 받은 글", "한 표뿐인 글"]


def test_best_box_needs_three_reactions(client):
    """베스트 찬성/반대 shows the top of each side once it has 3 reactions; the other side says 아직 없음."""
    article, _, comments = debate(1, 1)
    best = comments["찬성"][0]
    for user in [make_user() for _ in range(3)]:
        react(best, user, "like")
    section = build_section(article=article, viewer=AnonymousUser())
    assert section["best_pro"].pk == best.pk
    assert section["best_con"] is None
    html = client.get(article.get_absolute_url()).content.decode()
    assert "베스트 찬성 vs 베스트 반대" in html
    assert "아직 없음" in html


def test_relative_time_with_exact_time_on_hover(client):
    """Each comment says how long ago it was written, with the exact time in the title."""
    comment = make_comment()
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert "방금 전</time>" in html
    assert 'title="' in html[html.index('class="comment__time"') :][:200]


def test_page_queries_do_not_grow_with_comments(client, django_assert_max_num_queries):
    """A member's article page with 200 comments (20 shown) and replies stays within 15 queries
    (13th: did they ask for a follow-up; 14th: the newest follow-up, which production keeps
    with the article text; 15th: the header's `알림 N`)."""
    article, poll, _ = debate(1, 1)
    authors = [make_user() for _ in range(10)]
    for author in authors:
        vote(poll, author, "찬성" if author.pk % 2 else "반대")
    tops = [
        make_comment(article=article, author=authors[n % 10], body=f"댓글 {n}") for n in range(198)
    ]
    for top in tops[-30:]:
        make_comment(parent=top, author=authors[0], body="답글")
        react(top, authors[1], "like")
    viewer = make_user()
    client.force_login(viewer)
    client.get(article.get_absolute_url())  # warm the navigation cache
    with django_assert_max_num_queries(15):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="comment-thread"') == 20


def test_best_box_hidden_while_both_sides_are_empty(client):
    """With sided comments but none reaching 3 reactions, there is no empty best box at all."""
    article, _, comments = debate(1, 1)
    react(comments["찬성"][0], make_user(), "like")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "베스트 찬성 vs 베스트 반대" not in html
    assert "아직 없음" not in html
