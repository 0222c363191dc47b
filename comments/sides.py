"""The commenter's poll side, asked of the polls app without depending on it.

`comments` may ask `polls`, never the other way round; if polls is not installed (or has
no poll for this article) every side is simply unknown and the section still works.
"""

from django.apps import apps

PRO = "찬성"
CON = "반대"


def sides_for_users(*, article, user_ids) -> dict[int, str]:
    """{user id: the label of the choice the member currently votes for} in one query."""
    user_ids = {uid for uid in user_ids if uid}
    if not user_ids or not apps.is_installed("polls"):
        return {}
    try:
        from polls.services import sides_for_users as polls_sides
    except ImportError:
        polls_sides = None
    if polls_sides is not None:
        return dict(polls_sides(article=article, user_ids=user_ids))
    try:
        vote_model = apps.get_model("polls", "Vote")
    except LookupError:
        return {}
    # Fallback while polls offers no service: its documented shape (Vote.user, Vote.choice.label).
    rows = vote_model.objects.filter(poll__article=article, user_id__in=user_ids).values_list(
        "user_id", "choice__label"
    )
    return dict(rows)


def side_for_user(*, article, user) -> str:
    if not user.is_authenticated:
        return ""
    return sides_for_users(article=article, user_ids=[user.pk]).get(user.pk, "")
