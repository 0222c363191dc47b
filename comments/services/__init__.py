"""Writes on comments: each one a transaction, counters moved with F() beside the rows.

The rules (length, edit window, rate limits, thread state) live here, not in the views,
so a crafted request meets the same checks as the form.

- `errors`: the refusal messages and `CommentError`.
- `posting`: a new comment or reply, with its rate limits; `comment_submit` reads the form.
- `changes`: the author's edit and delete, staff moderation.
- `reactions`: 공감/비공감 and reports (`counted_reports`: those that may hide a comment).
- `counters`: `recount`, the repair path for `manage.py recount`.
"""

from .changes import can_edit, comment_delete, comment_edit, comment_moderate
from .counters import recount
from .errors import (
    COMMENT_ALREADY_REPORTED,
    COMMENT_ARTICLE_CLOSED,
    COMMENT_BOT,
    COMMENT_DAILY_LIMIT,
    COMMENT_DELETED,
    COMMENT_DUPLICATE,
    COMMENT_EDIT_EXPIRED,
    COMMENT_EDIT_REPLIED,
    COMMENT_EMPTY,
    COMMENT_NOT_AVAILABLE,
    COMMENT_NOT_YOURS,
    COMMENT_OWN_REACTION,
    COMMENT_OWN_REPORT,
    COMMENT_PARENT_MISSING,
    COMMENT_REPLY_DEPTH,
    COMMENT_REPORT_REASON,
    COMMENT_REPORTED,
    COMMENT_THREAD_CLOSED,
    COMMENT_TOO_FAST,
    COMMENT_TOO_LONG,
    COMMENT_UNKNOWN_REACTION,
    CommentError,
)
from .posting import clean_body, comment_create, comment_submit, same_text_key
from .reactions import comment_react, comment_report, counted_reports

__all__ = [
    "COMMENT_ALREADY_REPORTED",
    "COMMENT_ARTICLE_CLOSED",
    "COMMENT_BOT",
    "COMMENT_DAILY_LIMIT",
    "COMMENT_DELETED",
    "COMMENT_DUPLICATE",
    "COMMENT_EDIT_EXPIRED",
    "COMMENT_EDIT_REPLIED",
    "COMMENT_EMPTY",
    "COMMENT_NOT_AVAILABLE",
    "COMMENT_NOT_YOURS",
    "COMMENT_OWN_REACTION",
    "COMMENT_OWN_REPORT",
    "COMMENT_PARENT_MISSING",
    "COMMENT_REPLY_DEPTH",
    "COMMENT_REPORTED",
    "COMMENT_REPORT_REASON",
    "COMMENT_THREAD_CLOSED",
    "COMMENT_TOO_FAST",
    "COMMENT_TOO_LONG",
    "COMMENT_UNKNOWN_REACTION",
    "CommentError",
    "can_edit",
    "clean_body",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_moderate",
    "comment_react",
    "comment_report",
    "comment_submit",
    "counted_reports",
    "recount",
    "same_text_key",
]
