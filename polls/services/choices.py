"""A poll's choices edited (the admin): checked, then set without moving a vote."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from articles.cache import article_changed

from ..models import Choice, Poll, Vote
from .errors import (
    CHOICE_LABEL_MAX,
    CHOICES_MAX,
    CHOICES_MIN,
    POLL_CHOICE_DUPLICATE,
    POLL_CHOICE_EMPTY,
    POLL_CHOICE_HAS_VOTES,
    POLL_CHOICE_TOO_LONG,
    POLL_CHOICES_TOO_FEW,
    POLL_CHOICES_TOO_MANY,
)


def poll_choice_labels_check(labels: list[str]) -> None:
    """Refuse a list of labels that is not 2–6 unique, non-empty labels of at most 40 characters."""
    errors = []
    if len(labels) < CHOICES_MIN:
        errors.append(ValidationError(POLL_CHOICES_TOO_FEW, code="too_few"))
    if len(labels) > CHOICES_MAX:
        errors.append(ValidationError(POLL_CHOICES_TOO_MANY, code="too_many"))
    seen = set()
    for label in labels:
        if not label:
            errors.append(ValidationError(POLL_CHOICE_EMPTY, code="empty"))
        elif len(label) > CHOICE_LABEL_MAX:
            errors.append(ValidationError(POLL_CHOICE_TOO_LONG.format(label=label), code="long"))
        elif label in seen:
            errors.append(
                ValidationError(POLL_CHOICE_DUPLICATE.format(label=label), code="duplicate")
            )
        seen.add(label)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def poll_choices_check(*, poll: Poll, labels: list[str]) -> None:
    """Refuse labels that would drop (remove or rename) a choice somebody voted for.

    The poll's choices stay locked until the caller's transaction ends, so a vote cannot
    land on a choice between this check and `poll_choices_set` in the same transaction
    (the admin validates and saves in one).
    """
    poll_choice_labels_check(labels)
    if poll.pk is None:
        return
    dropped = {
        c.ref: c.label
        # In `ref` order, as the vote's own UPDATE takes them, so the two cannot deadlock.
        for c in Choice.objects.select_for_update().filter(poll=poll).order_by("ref")
        if c.label not in labels
    }
    if not dropped:
        return
    # Counted from the rows, not `vote_count`: the rows are what a deletion would orphan.
    voted = (
        Vote.objects.filter(choice__in=list(dropped))
        .values_list("choice")
        .annotate(n=Count("id"))
        .order_by("choice")
    )
    errors = [
        ValidationError(POLL_CHOICE_HAS_VOTES.format(label=dropped[ref], count=n), code="voted")
        for ref, n in voted
    ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def poll_choices_set(*, poll: Poll, labels: list[str]) -> None:
    """Make the poll's choices these labels, in this order.

    A label already there keeps its row, and so its votes and counts; only its order
    moves. New labels become new choices. A choice missing from the list is deleted,
    which `poll_choices_check` allows only when nobody voted for it. Counters are not
    touched: no vote moves.
    """
    poll_choices_check(poll=poll, labels=labels)
    existing = {c.label: c for c in Choice.objects.filter(poll=poll)}
    Choice.objects.filter(poll=poll).exclude(label__in=labels).delete()
    for order, label in enumerate(labels, start=1):
        choice = existing.get(label)
        if choice is None:
            Choice.objects.create(poll=poll, label=label, order=order)
        elif choice.order != order:
            Choice.objects.filter(pk=choice.pk).update(order=order)
    article_changed(poll.article_id)
