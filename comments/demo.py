"""Demo members and a few comments on the Meta article, so the section looks lived in.

Written as rows and then recounted, rather than through `comment_create`: the per-member
rate limits (one comment per 15 seconds) are for people, not for a loader run twice.
"""

from django.contrib.auth import get_user_model

from articles.cache import article_changed

from .models import Comment, CommentReaction
from .services import recount

MEMBERS = [
    ("demo_jiho", "지호"),
    ("demo_seoyeon", "서연"),
]

# (author index, text, replies as (author index, text)), oldest first.
THREADS = [
    (
        0,
        "라마 3.1을 회사 프로젝트에 잘 쓰고 있었는데, 이번엔 코딩 점수부터 아쉽네요.\n"
        "라마콘에서 개선판이 나오는지 지켜보겠습니다.",
        [
            (
                1,
                "저도 같은 생각이에요. 공개 모델이라 직접 고쳐 쓸 수 있다는 건 여전히 큰 장점이고요.",
            )
        ],
    ),
    (
        1,
        "벤치마크용 모델과 배포 모델이 달랐다면 그건 설명이 먼저였어야죠. 숫자보다 과정 공개가 중요합니다.",
        [(0, "맞아요. 평가 방법을 같이 공개하면 논란이 훨씬 줄었을 것 같습니다.")],
    ),
    (0, "추론 전용 모델이 없는 게 제일 커 보여요. 요즘은 그게 경쟁력이라서요.", []),
    (
        1,
        "전문가 혼합(MoE) 구조를 어떻게 써야 효율이 나는지 개발자용 안내가 더 있었으면 합니다.",
        [],
    ),
]

# Each member likes the other's top-level comments: (author index of the liker).
LIKES = {0: 1, 1: 0}


def load_demo(articles):
    article = articles.get("meta-llama4-crisis")
    if article is None:
        return
    User = get_user_model()
    members = []
    for username, display_name in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name}
        )
        if created:
            # Demo voices only: nobody can sign in as them.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        members.append(user)

    for author, text, replies in THREADS:
        top, _ = Comment.objects.get_or_create(
            article=article, author=members[author], parent=None, body=text
        )
        for reply_author, reply_text in replies:
            Comment.objects.get_or_create(
                article=article, author=members[reply_author], parent=top, body=reply_text
            )
        CommentReaction.objects.get_or_create(
            comment=top, user=members[LIKES[author]], defaults={"kind": "like"}
        )

    recount()
    article_changed(article.pk)
