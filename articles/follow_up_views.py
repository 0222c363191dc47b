"""The `후속기사 원해요` toggle, shaped like the 저장 toggle beside it."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Article
from .save_views import posted_state, sign_in_first
from .services import article_follow_up_toggle


@require_POST
def follow_up_toggle(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not request.user.is_authenticated:
        return sign_in_first(request, article)
    asked = article_follow_up_toggle(
        article=article, user=request.user, wanted=posted_state(request, "wanted")
    )
    if request.htmx:
        article.refresh_from_db(fields=["follow_up_request_count"])
        return render(
            request,
            "articles/follow_up_button.html#follow-up-button",
            {"article": article, "is_asked": asked},
        )
    return redirect(f"{article.get_absolute_url()}#follow-up")
