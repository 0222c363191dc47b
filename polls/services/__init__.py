"""Writes that touch several rows for polls, and the counter repair path.

Every counter moves with `F()` in the transaction that writes the row it counts; the
vote row is locked first (`select_for_update`) so a voter's concurrent requests queue.

- `errors`: the refusal messages, the limits on choices and `VoteRefused`.
- `voting`: `Voter`, and a vote submitted, cast, moved, merged on sign-in or refused; the
  one rule of when a poll accepts votes (`poll_vote_refusal`).
- `choices`: the admin's edit of a poll's choices.
- `closing`: a closed poll's result frozen once.
- `counters`: `recount`, the repair path for `manage.py recount`.
"""

from .choices import poll_choice_labels_check, poll_choices_check, poll_choices_set
from .closing import poll_snapshot_freeze
from .counters import recount
from .errors import (
    CHOICE_LABEL_MAX,
    CHOICES_MAX,
    CHOICES_MIN,
    POLL_CHANGED,
    POLL_CHOICE_DUPLICATE,
    POLL_CHOICE_EMPTY,
    POLL_CHOICE_HAS_VOTES,
    POLL_CHOICE_INVALID,
    POLL_CHOICE_TOO_LONG,
    POLL_CHOICES_TOO_FEW,
    POLL_CHOICES_TOO_MANY,
    POLL_CLOSED,
    POLL_NOT_FOUND,
    POLL_NOT_OPEN,
    POLL_RATE_LIMITED,
    POLL_SIGN_IN_REQUIRED,
    POLL_UNCHANGED,
    POLL_VOTED,
    VoteRefused,
)
from .voting import (
    Voter,
    member_side,
    member_sides,
    new_browser_token,
    poll_vote_cast,
    poll_vote_refusal,
    poll_vote_submit,
    poll_votes_merge,
)

__all__ = [
    "CHOICES_MAX",
    "CHOICES_MIN",
    "CHOICE_LABEL_MAX",
    "POLL_CHANGED",
    "POLL_CHOICES_TOO_FEW",
    "POLL_CHOICES_TOO_MANY",
    "POLL_CHOICE_DUPLICATE",
    "POLL_CHOICE_EMPTY",
    "POLL_CHOICE_HAS_VOTES",
    "POLL_CHOICE_INVALID",
    "POLL_CHOICE_TOO_LONG",
    "POLL_CLOSED",
    "POLL_NOT_FOUND",
    "POLL_NOT_OPEN",
    "POLL_RATE_LIMITED",
    "POLL_SIGN_IN_REQUIRED",
    "POLL_UNCHANGED",
    "POLL_VOTED",
    "VoteRefused",
    "Voter",
    "member_side",
    "member_sides",
    "new_browser_token",
    "poll_choice_labels_check",
    "poll_choices_check",
    "poll_choices_set",
    "poll_snapshot_freeze",
    "poll_vote_cast",
    "poll_vote_refusal",
    "poll_vote_submit",
    "poll_votes_merge",
    "recount",
]
