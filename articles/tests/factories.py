"""Small factories for articles; other apps' tests import these too."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category, DebateLine, Reporter, SummaryLine

_seq = count(1)


def make_category(**kwargs) -> Category:
    n = next(_seq)
    defaults = {"name": f"분야{n}", "slug": f"field-{n}", "order": n}
    defaults.update(kwargs)
    return Category.objects.create(**defaults)


def make_reporter(**kwargs) -> Reporter:
    defaults = {"name": "이도윤", "email": "aipick@aipick.kr"}
    defaults.update(kwargs)
    return Reporter.objects.create(**defaults)


def make_article(*, summary=(), debate=(), **kwargs) -> Article:
    """A published article (an hour old) unless told otherwise."""
    n = next(_seq)
    if "category" not in kwargs:
        kwargs["category"] = make_category()
    if "reporter" not in kwargs:
        kwargs["reporter"] = make_reporter()
    defaults = {
        "title": f"테스트 기사 {n}",
        "body": f"본문 문단 {n}.\n\n## 소제목 {n}\n\n내용입니다.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    defaults.update(kwargs)
    article = Article(**defaults)
    article.save()
    for order, text in enumerate(summary, start=1):
        SummaryLine.objects.create(article=article, order=order, text=text)
    for order, (speaker, text) in enumerate(debate, start=1):
        DebateLine.objects.create(article=article, order=order, speaker=speaker, text=text)
    if summary:
        article.refresh_lead()
    return article


def make_user(username=None, *, staff=False, **kwargs):
    username = username or f"member{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username,
        password=kwargs.pop("password", "pick-a-strong-pass-42"),
        display_name=kwargs.pop("display_name", f"{username} 님"),
        is_staff=staff,
        **kwargs,
    )
    return user


def image_bytes(fmt="PNG", size=(800, 450), color=(30, 60, 200), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save_kwargs)
    return out.getvalue()


def upload(name, data, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
