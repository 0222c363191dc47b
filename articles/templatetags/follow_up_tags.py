from django import template

from articles.models import Article, FollowUpRequest

register = template.Library()


@register.inclusion_tag("articles/follow_up_button.html", takes_context=True)
def follow_up_button(context, article):
    """The toggle: for a member one query (did they ask?); a reader not signed in costs none."""
    user = context["request"].user
    asked = (
        user.is_authenticated
        and FollowUpRequest.objects.filter(article=article, user=user).exists()
    )
    return {"article": article, "is_asked": asked, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("articles/follow_up_link.html")
def follow_up_link(article):
    """`후속 기사: <title>` for the newest published follow-up, if any. One query, inside the
    article text's kept fragment: the admin save that links or publishes one moves `site`."""
    follow_up = (
        Article.objects.published()
        .filter(follow_up_of=article)
        .order_by("-published_at", "-id")
        .only("pk", "title")
        .first()
    )
    return {"follow_up": follow_up}
