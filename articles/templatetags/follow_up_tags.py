from django import template
from django.db.models import Exists, OuterRef, Subquery, Value

from articles.models import Article, FollowUpRequest

register = template.Library()


@register.inclusion_tag("articles/follow_up_button.html", takes_context=True)
def follow_up_button(context, article):
    """One query: the newest published follow-up and, for a member, whether they asked."""
    user = context["request"].user
    newest = (
        Article.objects.published()
        .filter(follow_up_of=OuterRef("pk"))
        .order_by("-published_at", "-id")
    )
    asked = (
        Exists(FollowUpRequest.objects.filter(article=OuterRef("pk"), user=user))
        if user.is_authenticated
        else Value(False)
    )
    row = (
        Article.objects.filter(pk=article.pk)
        .annotate(
            asked=asked,
            follow_up_pk=Subquery(newest.values("pk")[:1]),
            follow_up_title=Subquery(newest.values("title")[:1]),
        )
        .values("asked", "follow_up_pk", "follow_up_title")
        .first()
    ) or {"asked": False, "follow_up_pk": None}
    follow_up = None
    if row["follow_up_pk"] is not None:
        follow_up = Article(pk=row["follow_up_pk"], title=row["follow_up_title"])
    return {
        "article": article,
        "is_asked": bool(row["asked"]),
        "follow_up": follow_up,
        "csrf_token": context.get("csrf_token"),
    }
