"""Rows the benchmark and load test need beyond the demo: members and 200 comments.

Run as `python -m bench.seed` with the production-shape environment; prints JSON with
the ids the load generators use. Writes go through the apps' own services, so every
counter matches its rows from the start.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipick.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from articles.models import Article  # noqa: E402

PASSWORD = "bench-pass-2026!"  # noqa: S105 - a throwaway member in a throwaway database
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "40"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "200"))


def main() -> None:
    article = Article.objects.published().order_by("-published_at").first()
    if apps.is_installed("polls"):
        # The demo's poll article: the one page where voting, comments and saving all meet.
        with_poll = Article.objects.published().filter(poll__isnull=False).first()
        article = with_poll or article
    if article is None:
        raise SystemExit("load_demo first: no published article")
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
