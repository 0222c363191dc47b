"""A new comment or reply: the text cleaned, the rate limits claimed, `댓글 N` moved."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aipick import ratelimit
from articles.cache import article_changed
from articles.models import Article
from notifications.services import notify_reply

from ..forms import CommentForm
from ..models import Comment
from ..rendering import normalize
from ..sides import side_at_post
from .errors import (
    COMMENT_ARTICLE_CLOSED,
    COMMENT_BOT,
    COMMENT_DAILY_LIMIT,
    COMMENT_DUPLICATE,
    COMMENT_EMPTY,
    COMMENT_PARENT_MISSING,
    COMMENT_REPLY_DEPTH,
    COMMENT_THREAD_CLOSED,
    COMMENT_TOO_FAST,
    COMMENT_TOO_LONG,
    CommentError,
)


def clean_body(body: str) -> str:
    """The text as it will be stored: normalised, invisible characters dropped, then
    refused when nothing is left or it is over the limit."""
    text = normalize(body)
    if not text:
        raise CommentError(COMMENT_EMPTY)
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise too_long(text)
    return text


def too_long(text: str) -> CommentError:
    return CommentError(
        COMMENT_TOO_LONG.format(limit=settings.COMMENT_MAX_LENGTH, length=len(text))
    )


def same_text_key(author, text: str) -> str:
    """The rate-limit key marking that this member posted this (normalised) text."""
    return f"comments:same:{author.pk}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _claim_allowance(author, text: str, *, reply: bool) -> tuple[list, tuple]:
    """Refuse a repeat or a member over a limit; otherwise count the comment.

    Comments and replies have burst limits of their own, so answering someone right after
    posting one's own comment passes, while two comments (or two replies) in a row do not.

    Burst, daily and same-text rules are decided together in one round trip to the
    rate-limit store: a repeat counts nothing, and a comment refused by a limit leaves no
    same-text mark behind. Returns the rules claimed, for `_give_back` if the comment is
    not saved after all.
    """
    limits = []
    seconds = settings.COMMENT_RATE_SECONDS
    if seconds:
        burst = f"comments:burst:reply:{author.pk}" if reply else f"comments:burst:{author.pk}"
        limits.append((burst, 1, seconds))
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
    claim = _claim_allowance(author, text, reply=parent is not None)
    try:
        comment = Comment(
            article=article,
            author=author,
            parent=parent,
            body=text,
            # Read by the INSERT itself (a subquery): the side held at that moment.
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
    notify_reply(reply=comment)
    return comment


def comment_submit(*, article: Article, author, data) -> Comment:
    """A comment or reply as the form sends it (`body`, `parent`, the `website` honeypot).

    The one entry for the posting view: the form's fields read, the replied-to comment
    found on this article, then `comment_create`. A refusal raises `CommentError` with
    `parent` set when the comment was a reply, so its message goes under that reply form.
    """
    form = CommentForm(data)
    body = data.get("body", "")
    if not form.is_valid():
        if "body" in form.errors:  # only the form's flood cap, far above the real limit
            raise too_long(normalize(body))
        raise CommentError(COMMENT_PARENT_MISSING)  # `parent` is not a comment number
    if form.cleaned_data["website"]:
        raise CommentError(COMMENT_BOT)
    parent = None
    if parent_id := form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=parent_id, article=article).first()
        if parent is None:
            raise CommentError(COMMENT_PARENT_MISSING)
    try:
        return comment_create(article=article, author=author, body=body, parent=parent)
    except CommentError as error:
        error.parent = parent
        raise
