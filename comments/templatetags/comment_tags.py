from django import template

from comments.rendering import relative_time
from comments.section import build_section
from comments.views import ACTION_STASH, FORM_STASH

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """The `댓글 N` section for the article page; tab, sort and page come from the query string."""
    request = context["request"]
    try:
        page = max(1, min(int(request.GET.get("cpage", 1)), 50))
    except ValueError:
        page = 1
    section = build_section(
        article=article,
        viewer=request.user,
        tab=request.GET.get("tab", "all"),
        sort=request.GET.get("sort", ""),
        page=page,
    )
    # A refused no-JavaScript post left its message here, to show under the form it came from.
    stash = (
        request.session.pop(FORM_STASH.format(article.pk), None)
        if request.user.is_authenticated
        else None
    )
    if stash:
        if stash.get("parent"):
            section.update(
                reply_error=stash["message"],
                reply_error_for=stash["parent"],
                reply_body=stash["body"],
            )
        else:
            section.update(form_error=stash["message"], form_body=stash["body"])
    action = (
        request.session.pop(ACTION_STASH.format(article.pk), None)
        if request.user.is_authenticated
        else None
    )
    if action:
        shown = {c.pk for thread in section["threads"] for c in (thread, *thread.reply_list)}
        if action["comment"] in shown:
            section.update(
                message_for=action["comment"],
                comment_message=action["message"],
                open_panel=action["panel"],
            )
        else:
            # The comment is not on this page (another sort or page): say it above the list.
            section["section_message"] = action["message"]
    section.update(
        request=request, user=request.user, csrf_token=context.get("csrf_token"), full=True
    )
    return section


register.filter("relative_time", relative_time)


@register.filter
def side_class(label):
    return {"찬성": "pro", "반대": "con"}.get(label, "other")


@register.filter
def reaction_buttons(comment):
    return [("like", "공감", comment.like_count), ("dislike", "비공감", comment.dislike_count)]
