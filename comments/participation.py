"""The article's commenters by member tenure, for polls' 참여자 구성 (`polls.participation`).

Registered with polls in `CommentsConfig.ready()`; polls never imports comments.
"""

from datetime import datetime

from django.db.models import Count

from polls.participation import tenure_conditions

from .models import Comment


def commenter_tenure_counts(article_id: int, *, now: datetime) -> dict[str, int]:
    """Distinct authors of the article's visible comments per tenure group, in one query."""
    return (
        Comment.objects.visible()
        .filter(article_id=article_id)
        .aggregate(
            **{
                key: Count("author", distinct=True, filter=condition)
                for key, condition in tenure_conditions(now, "author").items()
            }
        )
    )
