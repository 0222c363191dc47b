from django import template

from polls.sections import load_poll, poll_box_context

register = template.Library()


@register.inclusion_tag("polls/poll_section.html", takes_context=True)
def poll_section(context, article):
    """The 찬/반 투표 section for an article page; nothing when there is no poll or it has not opened."""
    poll = load_poll(article)
    if poll is None or not poll.has_opened:
        return {"poll": None}
    request = context["request"]
    return {
        **poll_box_context(request, poll),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
