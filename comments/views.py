"""Thin views: find the objects, call the service, then redirect back to an anchor — or,
for htmx, render the same template's partial (`comments/section.html#...`)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from aipick.decorators import read_only
from articles.models import Article

from . import services
from .models import Comment
from .section import build_section

SECTION = "comments/section.html"
FORM_STASH = "comments:form:{}"
# What an edit/delete/react/report said, kept for the page the plain form returns to: the
# message shows under the comment it is about (and a refused form stays open), not at the
# top of a page that has scrolled to that comment.
ACTION_STASH = "comments:action:{}"


def _int(value, default=1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def _login_first(request, next_url: str):
    response = redirect_to_login(next_url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def _state(request) -> dict:
    """Tab and sort travel with every action, so the reader stays where they were."""
    source = request.POST if request.method == "POST" else request.GET
    return {"tab": source.get("tab", "all"), "sort": source.get("sort", "")}


def _render_thread(request, comment: Comment, *, status=200, **extra):
    top_id = comment.parent_id or comment.pk
    context = build_section(
        article=comment.article, viewer=request.user, thread_id=top_id, **_state(request)
    )
    context.update(extra)
    return render(request, f"{SECTION}#comment-thread-slot", context, status=status)


def _article(request, pk):
    return get_object_or_404(Article.objects.visible_to(request.user), pk=pk)


def _back(comment: Comment):
    # A URL already: redirect() would first try it as a view name and fail.
    return HttpResponseRedirect(comment.get_absolute_url())


@read_only
def comment_list(request, pk):
    """Tabs, sorts and 더보기: htmx gets the list (or one more page); others get the article."""
    article = _article(request, pk)
    state = _state(request)
    page = _int(request.GET.get("page"))
    if not request.htmx:
        query = urlencode({**state, "cpage": page})
        return redirect(f"{article.get_absolute_url()}?{query}#comments")
    context = build_section(
        article=article, viewer=request.user, page=page, only_page=page > 1, **state
    )
    return render(request, f"{SECTION}#{'comment-page' if page > 1 else 'comment-list'}", context)


@require_POST
def comment_create(request, pk):
    article = _article(request, pk)
    if not request.user.is_authenticated:
        return _login_first(request, f"{article.get_absolute_url()}#comments")
    try:
        comment = services.comment_submit(article=article, author=request.user, data=request.POST)
    except services.CommentError as error:
        return _refused(request, article, error.parent, error.message, request.POST.get("body", ""))
    if not request.htmx:
        return _back(comment)
    article.refresh_from_db(fields=["comment_count"])
    if comment.parent_id is not None:
        return _render_thread(request, comment, count_oob=True)
    context = build_section(article=article, viewer=request.user, **_state(request))
    context["count_oob"] = True
    response = render(request, f"{SECTION}#comment-section", context)
    return reswap(retarget(response, "#comments"), "outerHTML")


def _refused(request, article, parent, message, body):
    """The message goes under the form that was used; nothing was saved."""
    if request.htmx:
        if parent is not None:
            return _render_thread(
                request, parent, reply_error=message, reply_error_for=parent.pk, reply_body=body
            )
        context = {"article": article, "form_error": message, "form_body": body}
        return render(request, f"{SECTION}#comment-form", context)
    request.session[FORM_STASH.format(article.pk)] = {
        "message": message,
        "body": body[:5000],
        "parent": parent.pk if parent else None,
    }
    anchor = f"comment-{parent.pk}" if parent else "comment-form"
    return redirect(f"{article.get_absolute_url()}#{anchor}")


def _comment_action(request, pk, action, *, panel=""):
    """Shared shape of edit/delete/react/report: sign-in, the service, a message, the way back.

    A refused edit or report comes back (htmx) with its `panel` open under the message, so
    the member can fix it where they were."""
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(
            article__in=Article.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not request.user.is_authenticated:
        return _login_first(request, comment.get_absolute_url())
    try:
        notice = action(comment)
    except PermissionDenied as denied:
        return HttpResponseForbidden(str(denied) or services.COMMENT_NOT_YOURS)
    except services.CommentError as error:
        notice = error.message
    else:
        panel = ""
    if request.htmx:
        comment.article.refresh_from_db(fields=["comment_count"])
        return _render_thread(
            request,
            comment,
            comment_message=notice,
            message_for=comment.pk,
            open_panel=panel,
            count_oob=True,
        )
    if notice:
        request.session[ACTION_STASH.format(comment.article_id)] = {
            "comment": comment.pk,
            "message": notice,
            "panel": panel,
        }
    return _back(comment)


@require_POST
def comment_edit(request, pk):
    def edit(comment):
        services.comment_edit(comment=comment, user=request.user, body=request.POST.get("body", ""))

    return _comment_action(request, pk, edit, panel="edit")


@require_POST
def comment_delete(request, pk):
    def delete(comment):
        services.comment_delete(comment=comment, user=request.user)

    return _comment_action(request, pk, delete)


@require_POST
def comment_react(request, pk):
    def react(comment):
        services.comment_react(
            comment=comment,
            user=request.user,
            kind=request.POST.get("kind"),
            on=request.POST.get("on", "1") == "1",
        )

    return _comment_action(request, pk, react)


@require_POST
def comment_report(request, pk):
    def report(comment):
        services.comment_report(
            comment=comment, user=request.user, reason=request.POST.get("reason", "")
        )
        return services.COMMENT_REPORTED

    return _comment_action(request, pk, report, panel="report")


@read_only
def comment_history(request, pk):
    """Earlier versions of an edited comment, open to anyone who can see the comment."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author").filter(
            article__in=Article.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    visible = comment.status == Comment.Status.VISIBLE or (
        request.user.is_authenticated
        and (request.user.is_staff or request.user.pk == comment.author_id)
        and comment.status == Comment.Status.HIDDEN
    )
    if not visible:
        return render(request, "404.html", status=404)
    return render(
        request,
        "comments/history.html",
        {
            "comment": comment,
            "revisions": comment.revisions.all(),
            "back": reverse("articles:detail", args=[comment.article_id]),
        },
    )
