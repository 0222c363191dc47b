"""Members and published articles for the accounts, saves and comments tests."""

import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from articles.models import Article, Category, Reporter

PASSWORD = "ai-pick-테스트-비밀번호"
_seq = itertools.count(1)


def make_user(username: str | None = None, *, display_name: str = "", **extra) -> User:
    n = next(_seq)
    user = User(username=username or f"member{n}", display_name=display_name, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_article(*, title: str = "", status: str = Article.Status.PUBLISHED, **extra) -> Article:
    n = next(_seq)
    category, _ = Category.objects.get_or_create(slug="tech", defaults={"name": "기술/연구"})
    reporter, _ = Reporter.objects.get_or_create(
        name="이도윤", defaults={"email": "doyoon@aipick.kr"}
    )
    published_at = (
        timezone.now() - timedelta(hours=1) if status == Article.Status.PUBLISHED else None
    )
    return Article.objects.create(
        title=title or f"테스트 기사 {n}",
        category=category,
        reporter=reporter,
        body="## 소제목\n\n본문 문단입니다.",
        status=status,
        published_at=extra.pop("published_at", published_at),
        **extra,
    )
