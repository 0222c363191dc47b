from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from aipick.ratelimit import client_ip

from .models import Poll
from .sections import load_poll, poll_box_context
from .services import (
    POLL_CHANGED,
    POLL_UNCHANGED,
    POLL_VOTED,
    VoteRefused,
    poll_vote_submit,
)
from .voters import remember_browser, voter_for

OUTCOME_MESSAGES = {"added": POLL_VOTED, "changed": POLL_CHANGED, "unchanged": POLL_UNCHANGED}


@require_POST
def vote(request, article_id):
    """Cast or change a vote. A form POST is answered with a redirect to `#poll` (PRG);
    htmx gets the poll box back to swap in place.

    Refusals answer a plain POST with a 4xx page saying why. htmx gets the box with the
    reason at 200, because htmx does not swap error responses and the reader would see nothing.
    """
    voter, new_token = voter_for(request)
    try:
        cast = poll_vote_submit(
            article_id=article_id,
            raw_choice=request.POST.get("choice", ""),
            voter=voter,
            client_ip=client_ip(request),
        )
    except VoteRefused as refused:
        return _refuse(request, refused)

    if request.htmx:
        announce = OUTCOME_MESSAGES[cast.outcome].format(label=cast.choice.label)
        response = _render_box(request, cast.poll, announce=announce, voter_key=voter.key)
    else:
        response = HttpResponseRedirect(f"{reverse('articles:detail', args=[article_id])}#poll")
    if new_token:
        remember_browser(response, new_token)
    return response


def _render_box(
    request, poll: Poll, *, message: str = "", announce: str = "", voter_key: str | None = None
) -> HttpResponse:
    fresh = load_poll(poll.article)
    context = poll_box_context(
        request, fresh, message=message, announce=announce or message, voter_key=voter_key
    )
    # The box is swapped; the status line is updated out of band so that its aria-live
    # region stays in the page and screen readers announce the change.
    html = render_to_string("polls/poll_section.html#poll-box", context, request=request)
    html += render_to_string("polls/poll_section.html#poll-status-oob", context, request=request)
    return HttpResponse(html)


def _refuse(request, refused: VoteRefused) -> HttpResponse:
    if refused.status == 404:
        raise Http404
    poll = refused.poll
    if request.htmx:
        return _render_box(request, poll, message=refused.message)
    return render(
        request,
        "polls/vote_refused.html",
        {"poll": poll, "article": poll.article, "message": refused.message},
        status=refused.status,
    )
