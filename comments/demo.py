"""Demo members and their comments on the Meta article, so the section looks lived in.

The members vote in the article's poll first (`polls.demo.member_votes_cast`), so every
comment carries its author's side, and their 공감/비공감 give each side a best comment:
the demo opens with a real `베스트 찬성 vs 베스트 반대`.

Written as rows and then recounted, rather than through `comment_create`: the per-member
rate limits (one comment per 15 seconds) are for people, not for a loader run twice.
"""

from django.apps import apps
from django.contrib.auth import get_user_model

from articles.cache import article_changed

from .models import Comment, CommentReaction
from .services import recount
from .sides import CON, PRO

# (username, display name, side in the poll)
MEMBERS = [
    ("demo_jiho", "지호", PRO),
    ("demo_seoyeon", "서연", CON),
    ("demo_minjun", "민준", PRO),
    ("demo_haeun", "하은", CON),
    ("demo_dohyun", "도현", PRO),
]

# (author, text, replies as (author, text), reactions as {member: kind}), oldest first;
# members by their index in MEMBERS (도현 votes and reacts, but does not write). Reactions
# to a comment come from the other members only. The first comment of each side has 3+
# reactions, so each side has a best comment.
THREADS = [
    (
        0,
        "공개 모델을 이만큼 꾸준히 내놓는 회사는 드뭅니다.\n"
        "이번 일은 아프지만 평가 과정을 그대로 공개한다면 신뢰는 다시 쌓을 수 있다고 봐요.",
        [
            (
                3,
                "공개할 기회는 출시 전에 있었죠. 한 번 실망한 개발자를 다시 부르기는 쉽지 않습니다.",
            )
        ],
        {2: "like", 4: "like", 1: "like"},
    ),
    (
        1,
        "시험에 낸 모델과 실제로 나눠 준 모델이 다르다는 의심이 나온 순간 점수는 힘을 잃었어요. "
        "믿음은 숫자가 아니라 과정에서 생깁니다.",
        [
            (
                2,
                "과정부터 보여 줘야 한다는 데는 동의해요. 라마콘에서 그걸 해낸다면 돌아올 사람도 많을 겁니다.",
            )
        ],
        {3: "like", 0: "like", 2: "like", 4: "dislike"},
    ),
    (
        2,
        "이전 라마로 사내 도구를 잘 만들어 썼던 터라, 다음 판에서 코딩 실력을 얼마나 끌어올리는지 보고 판단하려고요.",
        [],
        {0: "like", 3: "dislike"},
    ),
    (
        3,
        "깊이 따져 보는 추론 모델이 빠진 게 가장 커 보입니다. 경쟁사는 이미 한참 앞서 있어요.",
        [],
        {1: "like"},
    ),
]


def load_demo(articles):
    article = articles.get("meta-llama4-crisis")
    if article is None:
        return
    User = get_user_model()
    members = []
    for username, display_name, _side in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name}
        )
        if created:
            # Demo voices only: nobody can sign in as them.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        members.append(user)

    sides = {user: side for user, (_name, _display, side) in zip(members, MEMBERS, strict=True)}
    if apps.is_installed("polls"):
        from polls.demo import member_votes_cast

        member_votes_cast(article=article, sides=sides)
    else:
        sides = dict.fromkeys(members, "")

    for author, text, replies, reactions in THREADS:
        top = _comment(article=article, author=members[author], text=text, sides=sides)
        for reply_author, reply_text in replies:
            _comment(
                article=article,
                author=members[reply_author],
                text=reply_text,
                sides=sides,
                parent=top,
            )
        for member, kind in reactions.items():
            CommentReaction.objects.update_or_create(
                comment=top, user=members[member], defaults={"kind": kind}
            )

    recount()
    article_changed(article.pk)


def _comment(*, article, author, text, sides, parent=None) -> Comment:
    # They voted before writing: the side at posting is the side they hold.
    comment, _ = Comment.objects.get_or_create(
        article=article,
        author=author,
        parent=parent,
        body=text,
        defaults={"side_at_post": sides[author]},
    )
    return comment
