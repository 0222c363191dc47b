"""Writes on comments: each one a transaction, counters moved with F() beside the rows.

The rules (length, edit window, rate limits, thread state) live here, not in the views,
so a crafted request meets the same checks as the form.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from aipick import ratelimit
from aipick.counters import repair, rows_pointing_at
from articles.cache import article_changed
from articles.models import Article

from .models import Comment, CommentReaction, CommentReport, CommentRevision
from .rendering import normalize, render_comment
from .sides import side_at_post, side_sql

COMMENT_EMPTY = "댓글 내용을 입력해 주세요."
COMMENT_TOO_LONG = "댓글은 {limit:,}자까지 쓸 수 있습니다. (지금 {length:,}자)"
COMMENT_ARTICLE_CLOSED = "이 기사에는 댓글을 달 수 없습니다."
COMMENT_THREAD_CLOSED = "숨겨지거나 삭제된 댓글에는 답글을 달 수 없습니다."
COMMENT_REPLY_DEPTH = "답글에는 다시 답글을 달 수 없습니다."
COMMENT_TOO_FAST = "댓글은 {seconds}초에 한 번만 쓸 수 있습니다. 잠시 후 다시 시도해 주세요."
COMMENT_DAILY_LIMIT = "오늘 쓸 수 있는 댓글 수({limit}개)를 모두 썼습니다. 내일 다시 참여해 주세요."
COMMENT_DUPLICATE = "같은 내용의 댓글을 방금 올렸습니다. 다른 내용으로 써 주세요."
COMMENT_BOT = "댓글을 등록하지 못했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
COMMENT_NOT_YOURS = "내가 쓴 댓글만 수정하거나 삭제할 수 있습니다."
COMMENT_EDIT_EXPIRED = "댓글은 작성 후 10분 안에만 수정할 수 있습니다."
COMMENT_EDIT_REPLIED = "답글이 달린 댓글은 수정할 수 없습니다."
COMMENT_NOT_AVAILABLE = "이미 삭제되었거나 숨겨진 댓글입니다."
COMMENT_OWN_REACTION = "내 댓글에는 공감할 수 없습니다."
COMMENT_OWN_REPORT = "내 댓글은 신고할 수 없습니다."
COMMENT_ALREADY_REPORTED = "이미 신고한 댓글입니다."
COMMENT_REPORTED = "신고가 접수되었습니다. 운영진이 확인합니다."
COMMENT_REPORT_REASON = "신고 사유를 골라 주세요."
COMMENT_DELETED = "삭제된 댓글입니다"


class CommentError(Exception):
    """A refused write; `message` is Korean and shown to the member as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_body(body: str) -> str:
    text = normalize(body)
    if not text:
        raise CommentError(COMMENT_EMPTY)
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise CommentError(
            COMMENT_TOO_LONG.format(limit=settings.COMMENT_MAX_LENGTH, length=len(text))
        )
    return text


def same_text_key(author, text: str) -> str:
    """The rate-limit key marking that this member posted this (normalised) text."""
    return f"comments:same:{author.pk}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _claim_allowance(author, text: str) -> tuple[list, tuple]:
    """Refuse a repeat or a member over a limit; otherwise count the comment.

    Burst, daily and same-text rules are decided together in one round trip to the
    rate-limit store: a repeat counts nothing, and a comment refused by a limit leaves no
    same-text mark behind. Returns the rules claimed, for `_give_back` if the comment is
    not saved after all.
    """
    limits = []
    seconds = settings.COMMENT_RATE_SECONDS
    if seconds:
        limits.append((f"comments:burst:{author.pk}", 1, seconds))
    daily = settings.COMMENT_DAILY_LIMIT
    if daily:
        today = timezone.localdate().isoformat()
        limits.append((f"comments:day:{author.pk}:{today}", daily, 86400))
    once = (same_text_key(author, text), settings.COMMENT_DUPLICATE_WINDOW)
    refused = ratelimit.attempt(limits, once=once)
    if refused is None:
        return limits, once
    if refused == once[0]:
        raise CommentError(COMMENT_DUPLICATE)
    if seconds and refused == limits[0][0]:
        raise CommentError(COMMENT_TOO_FAST.format(seconds=seconds))
    raise CommentError(COMMENT_DAILY_LIMIT.format(limit=daily))


def _give_back(claim: tuple[list, tuple]) -> None:
    """A comment not saved costs no allowance and is no repeat when sent again."""
    limits, once = claim
    ratelimit.undo(limits, once=once)


@transaction.atomic
def comment_create(
    *, article: Article, author, body: str, parent: Comment | None = None
) -> Comment:
    """Post a comment or a reply; `댓글 N` moves in the same transaction.

    The same-text and rate rules are per member and decided atomically in the rate-limit
    store (Redis in production) once every other check passed: a refused comment costs no
    allowance, and of two identical comments sent at once exactly one is saved. The article
    row is locked only by the closing counter UPDATE, which moves `댓글 N` only while the
    article is public: a concurrent unpublish either lands first and the comment is
    refused, or lands after the commit.
    """
    text = clean_body(body)
    if not article.is_public:
        raise CommentError(COMMENT_ARTICLE_CLOSED)
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.article_id != article.pk:
            raise CommentError(COMMENT_ARTICLE_CLOSED)
        if parent.parent_id is not None:
            raise CommentError(COMMENT_REPLY_DEPTH)
        if parent.status != Comment.Status.VISIBLE:
            raise CommentError(COMMENT_THREAD_CLOSED)
    claim = _claim_allowance(author, text)
    try:
        comment = Comment(
            article=article,
            author=author,
            parent=parent,
            body=text,
            # Read by the INSERT itself: the side held at that moment, with no query of its own.
            side_at_post=side_at_post(article=article, user=author),
        )
        # Foreign keys and the check constraint are the database's to enforce; validating
        # them here would only repeat the lookups (one query each) the insert makes anyway.
        comment.full_clean(
            exclude=["body_html", "article", "author", "parent", "side_at_post"],
            validate_constraints=False,
        )
        comment.save()
        if (
            not Article.objects.published()
            .filter(pk=article.pk)
            .update(comment_count=F("comment_count") + 1)
        ):
            raise CommentError(COMMENT_ARTICLE_CLOSED)  # unpublished meanwhile: rolled back
    except BaseException:
        _give_back(claim)
        raise
    article_changed(article.pk)
    return comment


# A member's comment (not a reply) counted and written in one statement: the counter
# UPDATE finds the article only while it is public, and the INSERT takes its article id
# from that UPDATE, so either both happen or neither. In autocommit the statement is its
# own transaction. `{side}` is the author's side, as `comment_create` stores it.
QUICK_COMMENT_SQL = """
WITH counted AS (
    UPDATE articles_article SET comment_count = comment_count + 1
    WHERE id = %s AND status = %s AND published_at <= %s
    RETURNING id
)
INSERT INTO comments_comment (
    article_id, author_id, parent_id, body, body_html, status, side_at_post,
    like_count, dislike_count, report_count, created_at, edited_at
)
SELECT id, %s, NULL, %s, %s, %s, {side}, 0, 0, 0, %s, NULL FROM counted
RETURNING id, side_at_post
"""


def comment_create_quick(*, article_id: int, author, body: str) -> Comment | None:
    """`comment_create` for a member's comment on an article, without loading the article.

    Refuses what `comment_create` refuses, with the same messages, and saves what it saves,
    with `댓글 N`; returns None, with nothing written or counted, when the article is not
    public (or on SQLite): `comment_create` then explains, after the view found the article.
    It exists for speed: the article lookup, BEGIN, INSERT, UPDATE and COMMIT of the ORM
    path cost several times this one statement. PostgreSQL only: data-modifying WITH
    clauses are its own.
    """
    if connection.vendor != "postgresql":
        return None
    text = clean_body(body)
    claim = _claim_allowance(author, text)
    now = timezone.now()
    html = render_comment(text)
    side, side_params = side_sql(article_id=article_id, user_id=author.pk)
    params = [
        article_id,
        Article.Status.PUBLISHED,
        now,
        author.pk,
        text,
        html,
        Comment.Status.VISIBLE,
        *side_params,
        now,
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute(QUICK_COMMENT_SQL.format(side=side), params)
            row = cursor.fetchone()
    except BaseException:
        _give_back(claim)
        raise
    if row is None:
        _give_back(claim)
        return None
    article_changed(article_id)
    comment = Comment(
        id=row[0],
        article_id=article_id,
        author_id=author.pk,
        body=text,
        body_html=html,
        side_at_post=row[1],
        created_at=now,
    )
    comment._state.adding = False
    comment._state.db = connection.alias
    return comment


def can_edit(comment: Comment, user, *, has_replies: bool) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status == Comment.Status.VISIBLE
        and not has_replies
        and timezone.now() - comment.created_at <= timedelta(seconds=settings.COMMENT_EDIT_WINDOW)
    )


@transaction.atomic
def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """Replace the text, keeping the earlier one as a revision anyone can read."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk:
        raise PermissionDenied(COMMENT_NOT_YOURS)
    if comment.status != Comment.Status.VISIBLE:
        raise CommentError(COMMENT_NOT_AVAILABLE)
    if timezone.now() - comment.created_at > timedelta(seconds=settings.COMMENT_EDIT_WINDOW):
        raise CommentError(COMMENT_EDIT_EXPIRED)
    if comment.replies.exclude(status=Comment.Status.DELETED).exists():
        raise CommentError(COMMENT_EDIT_REPLIED)
    text = clean_body(body)
    if text == comment.body:
        return comment
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        created_at=comment.edited_at or comment.created_at,
    )
    comment.body = text
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    article_changed(comment.article_id)
    return comment


def _set_status(comment_ids, *, to: str, only_from: list[str]) -> int:
    """Move comments to a status; `댓글 N` follows for each one that left or joined `visible`."""
    changed = 0
    articles = set()
    # One conditional UPDATE per row: two moderators racing cannot count the same change twice.
    for pk, article_id, status in (
        Comment.objects.filter(pk__in=comment_ids, status__in=only_from)
        .values_list("pk", "article_id", "status")
        .order_by("pk")
    ):
        if not Comment.objects.filter(pk=pk, status=status).update(status=to):
            continue
        changed += 1
        articles.add(article_id)
        delta = (to == Comment.Status.VISIBLE) - (status == Comment.Status.VISIBLE)
        if delta:
            Article.objects.filter(pk=article_id).update(comment_count=F("comment_count") + delta)
    for article_id in articles:  # one version bump per article, however many comments moved
        article_changed(article_id)
    return changed


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> None:
    """The author's delete is soft: with replies the thread stays, shown as `삭제된 댓글입니다`."""
    if comment.author_id != user.pk:
        raise PermissionDenied(COMMENT_NOT_YOURS)
    _set_status(
        [comment.pk],
        to=Comment.Status.DELETED,
        only_from=[Comment.Status.VISIBLE, Comment.Status.HIDDEN],
    )


@transaction.atomic
def comment_moderate(*, comment_ids, status: str) -> int:
    """Staff hide, restore or delete in bulk; returns how many changed."""
    every = [Comment.Status.VISIBLE, Comment.Status.HIDDEN, Comment.Status.DELETED]
    return _set_status(comment_ids, to=status, only_from=[s for s in every if s != status])


@transaction.atomic
def comment_react(*, comment: Comment, user, kind: str | None) -> str | None:
    """Set this member's reaction to `like`, `dislike` or none; returns the reaction now held.

    The form says which state it wants, so a double submit repeats a state, never a count.
    """
    if kind not in {None, *CommentReaction.Kind.values}:
        raise CommentError("알 수 없는 반응입니다.")
    if comment.author_id == user.pk:
        raise CommentError(COMMENT_OWN_REACTION)
    if not Comment.objects.filter(pk=comment.pk, status=Comment.Status.VISIBLE).exists():
        raise CommentError(COMMENT_NOT_AVAILABLE)
    field = {"like": "like_count", "dislike": "dislike_count"}
    existing = (
        CommentReaction.objects.select_for_update().filter(comment=comment, user=user).first()
    )
    if existing is not None and existing.kind == kind:
        return kind
    # One version bump for whatever follows (an unlike, a like, or both).
    article_changed(comment.article_id)
    if existing is not None:
        existing.delete()
        Comment.objects.filter(pk=comment.pk).update(
            **{field[existing.kind]: F(field[existing.kind]) - 1}
        )
    if kind is not None:
        try:
            with transaction.atomic():
                CommentReaction.objects.create(comment=comment, user=user, kind=kind)
        except IntegrityError:
            # A concurrent request of the same member won; its row and count stand.
            return CommentReaction.objects.get(comment=comment, user=user).kind
        Comment.objects.filter(pk=comment.pk).update(**{field[kind]: F(field[kind]) + 1})
    return kind


@transaction.atomic
def comment_report(*, comment: Comment, user, reason: str) -> CommentReport:
    """Report once per member; at the threshold of distinct reporters the comment hides itself."""
    if reason not in CommentReport.Reason.values:
        raise CommentError(COMMENT_REPORT_REASON)
    if comment.author_id == user.pk:
        raise CommentError(COMMENT_OWN_REPORT)
    if comment.status == Comment.Status.DELETED:
        raise CommentError(COMMENT_NOT_AVAILABLE)
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, user=user, reason=reason)
    except IntegrityError:
        raise CommentError(COMMENT_ALREADY_REPORTED) from None
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    hide = Comment.objects.filter(
        pk=comment.pk,
        status=Comment.Status.VISIBLE,
        report_count__gte=settings.COMMENT_REPORT_THRESHOLD,
    )
    if hide.exists():
        _set_status([comment.pk], to=Comment.Status.HIDDEN, only_from=[Comment.Status.VISIBLE])
    return report


@transaction.atomic
def recount() -> int:
    """Rebuild `댓글 N` and every comment's 공감/비공감/신고 from the rows; returns fixes made."""
    visible = Q(status=Comment.Status.VISIBLE)
    fixed = repair(
        Article.objects.all(),
        "comment_count",
        rows_pointing_at(Comment, field="article", where=visible),
    )
    for counter, kind in (("like_count", "like"), ("dislike_count", "dislike")):
        actual = rows_pointing_at(CommentReaction, field="comment", where=Q(kind=kind))
        fixed += repair(Comment.objects.all(), counter, actual)
    fixed += repair(
        Comment.objects.all(), "report_count", rows_pointing_at(CommentReport, field="comment")
    )
    return fixed
