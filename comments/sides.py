"""The commenter's poll side, asked of the polls app without depending on it.

`comments` may ask `polls`, never the other way round; if polls is not installed (or has
no poll for this article) every side is simply unknown and the section still works.
"""

from django.apps import apps
from django.db.models import CharField
from django.db.models.expressions import RawSQL

PRO = "찬성"
CON = "반대"


def sides_for_users(*, article, user_ids) -> dict[int, str]:
    """{user id: the label of the choice the member currently votes for} in one query."""
    user_ids = {uid for uid in user_ids if uid}
    if not user_ids or not apps.is_installed("polls"):
        return {}
    from polls.services import member_sides

    return member_sides(article=article, user_ids=user_ids)


def side_at_post(*, article, user) -> str | RawSQL:
    """The member's side as SQL for the INSERT that stores their comment: no query of its own.

    Read in the same statement that writes the comment, so the badge is the side held at
    that moment; "" without a vote, or without polls.
    """
    if not user.is_authenticated:
        return ""
    sql, params = side_sql(article_id=article.pk, user_id=user.pk)
    return RawSQL(sql, params, output_field=CharField())  # noqa: S611 - polls' SQL, ids bound


def side_sql(*, article_id: int, user_id: int) -> tuple[str, list]:
    """SQL and parameters for the member's current side on the article ("" when none)."""
    if not apps.is_installed("polls"):
        return "%s", [""]
    from polls.services import member_side_sql

    return member_side_sql(article_id=article_id, user_id=user_id)
