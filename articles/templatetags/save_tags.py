from django import template

from articles.models import Save

register = template.Library()


@register.inclusion_tag("articles/save_button.html", takes_context=True)
def save_button(context, article):
    user = context["request"].user
    is_saved = user.is_authenticated and Save.objects.filter(article=article, user=user).exists()
    return {"article": article, "is_saved": is_saved, "csrf_token": context.get("csrf_token")}
