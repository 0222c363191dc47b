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
    from polls.services import member_sides

    return member_sides(article=article, user_ids=user_ids)


def side_at_post(*, article, user):
    """The member's side as an expression for the INSERT that stores their comment.

    Read in the same statement that writes the comment, so the badge is the side held at
    that moment; "" without a vote, or without polls.
    """
    if not user.is_authenticated or not apps.is_installed("polls"):
        return ""
    from polls.services import member_side

    return member_side(article_id=article.pk, user_id=user.pk)
