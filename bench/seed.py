"""Rows the benchmark and load test need beyond the demo: members and 200 comments, and,
with BENCH_SEARCH_ARTICLES=N (`make bench` sets 10,000), published articles up to N for
the search scenario, one in twenty mentioning SEARCH_WORD.

Run as `python -m bench.seed` with the production-shape environment; prints JSON with
the ids the load generators use. Writes go through the apps' own services, so every
counter matches its rows from the start.
"""

import json
import os
import random
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipick.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Category, Reporter, SummaryLine  # noqa: E402
from articles.rendering import render_markdown  # noqa: E402

PASSWORD = "bench-pass-2026!"  # noqa: S105 - a throwaway member in a throwaway database
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "40"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "200"))
SEARCH_ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "0"))
SEARCH_WORD = "반도체"
WORDS = [
    "인공지능",
    "생성형",
    "언어모델",
    "데이터센터",
    "오픈소스",
    "스타트업",
    "규제",
    "개인정보",
    "저작권",
    "로봇",
    "자율주행",
    "클라우드",
    "투자",
    "연구진",
    "벤치마크",
    "추론",
    "학습",
    "에이전트",
    "검색",
    "번역",
    "음성인식",
    "이미지",
    "영상",
    "의료",
    "교육",
    "금융",
    "보안",
    "윤리",
    "일자리",
    "전력",
    "엔지니어",
    "개발자",
    "플랫폼",
    "서비스",
    "정책",
    "국회",
    "기업",
    "시장",
    "경쟁",
]


def seed_search_articles(total: int) -> None:
    """Top the published articles up to `total`, older than the demo's, three summary lines
    each. bulk_create skips save(), so body_html and lead are filled here as save() would."""
    missing = total - Article.objects.published().count()
    if missing <= 0:
        return
    categories = list(Category.objects.all())
    reporter = Reporter.objects.first()
    oldest = Article.objects.published().order_by("published_at").first()
    start = oldest.published_at if oldest else timezone.now()
    rng = random.Random(13)

    def sentence(n: int, mention: bool) -> str:
        a, b, c = rng.sample(WORDS, 3)
        middle = SEARCH_WORD if mention else b
        return f"{a} 분야에서 {middle} 관련 {c} 소식이 이어지고 있습니다({n})."

    articles, summaries = [], []
    for n in range(missing):
        mention = n % 20 == 0
        title = f"{rng.choice(WORDS)}·{rng.choice(WORDS)} 동향 {n}호"
        if n % 100 == 0:
            title = f"{SEARCH_WORD} {title}"
        paragraphs = [
            " ".join(sentence(n, mention and p == 1 and s == 2) for s in range(5)) for p in range(3)
        ]
        body = f"{paragraphs[0]}\n\n## {rng.choice(WORDS)} 이야기\n\n" + "\n\n".join(paragraphs[1:])
        lines = [sentence(n, mention and n % 50 == 0 and i == 0) for i in range(3)]
        summaries.append(lines)
        articles.append(
            Article(
                title=title,
                category=categories[n % len(categories)],
                reporter=reporter,
                body=body,
                body_html=render_markdown(body),
                lead=lines[0],
                status=Article.Status.PUBLISHED,
                published_at=start - timedelta(minutes=n + 1),
            )
        )
    created = Article.objects.bulk_create(articles, batch_size=1000)
    SummaryLine.objects.bulk_create(
        [
            SummaryLine(article=article, order=order, text=text)
            for article, lines in zip(created, summaries, strict=True)
            for order, text in enumerate(lines, start=1)
        ],
        batch_size=3000,
    )


def main() -> None:
    article = Article.objects.published().order_by("-published_at").first()
    if apps.is_installed("polls"):
        # The demo's poll article: the one page where voting, comments and saving all meet.
        with_poll = Article.objects.published().filter(poll__isnull=False).first()
        article = with_poll or article
    if article is None:
        raise SystemExit("load_demo first: no published article")
    seed_search_articles(SEARCH_ARTICLES)
    User = get_user_model()
    members = []
    for n in range(MEMBERS):
        user, created = User.objects.get_or_create(
            username=f"bench{n}", defaults={"display_name": f"벤치 독자 {n}"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        members.append(user)

    # Members arrive already signed in, as most members are: a sign-in is a deliberately
    # slow password hash, and 60 of them at once would measure PBKDF2, not the site.
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    sessions = []
    for user in members:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)

    info = {
        "sessions": sessions,
        "article_id": article.pk,
        "article_ids": list(Article.objects.published().values_list("pk", flat=True)),
        "password": PASSWORD,
        "members": [m.username for m in members],
        "search_word": SEARCH_WORD,
    }

    if apps.is_installed("comments"):
        from comments.models import Comment
        from comments.services import comment_create

        existing = Comment.objects.filter(article=article).count()
        parents = []
        for n in range(existing, COMMENTS):
            author = members[n % len(members)]
            # Every fifth comment answers an earlier one, as real threads do.
            parent = parents[n % len(parents)] if parents and n % 5 == 4 else None
            comment = comment_create(
                article=article,
                author=author,
                parent=parent,
                body=f"벤치마크 댓글 {n}번: 이 기사에 대한 독자 의견입니다.",
            )
            if parent is None:
                parents.append(comment)
        # Comment POSTs go to another article: thousands of them on the measured one would
        # leave it with far more than 200 comments for the next round's page scenarios.
        other = Article.objects.published().exclude(pk=article.pk).first()
        info["comment_article_id"] = (other or article).pk
        info["comment_ids"] = list(
            Comment.objects.filter(article=article, parent=None)
            .order_by("-id")
            .values_list("id", flat=True)[:50]
        )

    if apps.is_installed("polls"):
        from polls.models import Poll

        poll = Poll.objects.filter(article__status="published").select_related("article").first()
        if poll is not None:
            info["poll_article_id"] = poll.article_id
            info["choice_ids"] = list(poll.choices.values_list("pk", flat=True))

    print(json.dumps(info))


if __name__ == "__main__":
    main()
