"""Sign-in merges the browser's anonymous votes into the member's (see `poll_votes_merge`)."""

from django.contrib.auth.signals import user_logged_in
from django.db import IntegrityError
from django.dispatch import receiver

from .services import poll_votes_merge
from .voters import browser_token


@receiver(user_logged_in, dispatch_uid="polls.merge_browser_votes")
def merge_browser_votes(sender, request, user, **kwargs):
    token = browser_token(request) if request is not None else None
    if not token:
        return
    try:
        poll_votes_merge(anonymous_key=f"a:{token}", user=user)
    except IntegrityError:
        # The member voted on another device at this very moment; the second pass sees it.
        poll_votes_merge(anonymous_key=f"a:{token}", user=user)
