from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from .models import Choice, Poll
from .ratelimit import allow_vote_attempt
from .sections import load_poll, poll_box_context
from .services import (
    POLL_BODY_TOO_LARGE,
    POLL_CHANGED,
    POLL_CHOICE_INVALID,
    POLL_RATE_LIMITED,
    POLL_SIGN_IN_REQUIRED,
    POLL_UNCHANGED,
    POLL_VOTED,
    VoteRefused,
    poll_attempt_blocked,
    poll_vote_first,
    poll_vote_submit,
)
from .voters import remember_browser, voter_for

# What the vote view and service read of a choice, its poll and article (checks, the
# redirect, the refusal page); the htmx box reloads the poll in full (sections.load_poll).
CHOICE_FIELDS = (
    "poll_id",
    "ref",
    "label",
    "poll__article_id",
    "poll__question",
    "poll__opens_at",
    "poll__closes_at",
    "poll__allow_anonymous",
    "poll__article__status",
    "poll__article__published_at",
)
OUTCOME_MESSAGES = {"added": POLL_VOTED, "changed": POLL_CHANGED, "unchanged": POLL_UNCHANGED}


@require_POST
def vote(request, article_id):
    """Cast or change a vote. A form POST is answered with a redirect to `#poll` (PRG);
    htmx gets the poll box back to swap in place.

    Refusals answer a plain POST with a 4xx page saying why. htmx gets the box with the
    reason at 200, because htmx does not swap error responses and the reader would see nothing.
    """
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.POLL_MAX_BODY_BYTES:
        return HttpResponse(
            POLL_BODY_TOO_LARGE, status=413, content_type="text/plain; charset=utf-8"
        )

    raw_choice = request.POST.get("choice", "")
    voter, new_token = voter_for(request)
    # Counted before anything is looked up, so that the usual vote needs no lookup at all;
    # an article has one poll, so this is the limit per poll per address (or member).
    if not allow_vote_attempt(request, article_id, voter):
        poll = _poll(article_id)
        if poll.article.is_public:
            poll_attempt_blocked(poll=poll)
        return _refuse(request, poll, VoteRefused(POLL_RATE_LIMITED, status=429))

    label = None
    if voter.fresh and _is_id(raw_choice):
        # A browser without a voter cookie cannot have voted: the usual case takes one statement.
        label = poll_vote_first(article_id=article_id, choice_id=int(raw_choice), voter=voter)
    if label is not None:
        outcome, poll = "added", None
    else:
        choice = _find_choice(article_id, raw_choice)
        if choice is None:
            poll = _poll(article_id)
            return _refuse(request, poll, VoteRefused(POLL_CHOICE_INVALID, status=400))
        poll = choice.poll
        if not poll.article.is_public:
            raise Http404
        if not voter.is_member and not poll.allow_anonymous:
            return _refuse(request, poll, VoteRefused(POLL_SIGN_IN_REQUIRED, status=403))
        try:
            cast = poll_vote_submit(poll=poll, choice=choice, voter=voter)
        except VoteRefused as refused:
            return _refuse(request, poll, refused)
        outcome, label = cast.outcome, choice.label

    if request.htmx:
        poll = poll or _poll(article_id)
        announce = OUTCOME_MESSAGES[outcome].format(label=label)
        response = _render_box(request, poll, announce=announce, voter_key=voter.key)
    else:
        response = HttpResponseRedirect(f"{reverse('articles:detail', args=[article_id])}#poll")
    if new_token:
        remember_browser(response, new_token)
    return response


def _poll(article_id: int) -> Poll:
    """The article's poll with its article, for the paths that did not load it on the way."""
    return get_object_or_404(Poll.objects.select_related("article"), article_id=article_id)


def _is_id(raw: str) -> bool:
    return raw.isdecimal() and len(raw) <= 18


def _find_choice(article_id: int, raw: str) -> Choice | None:
    """The choice, its poll and article in one query; None for anything not of this poll."""
    if not _is_id(raw):
        return None
    try:
        # get(), not first(): the primary key finds at most one row, so no ORDER BY. Only the
        # columns a vote reads: building the article's twenty-odd others cost more than the rest.
        choice = (
            Choice.objects.select_related("poll__article").only(*CHOICE_FIELDS).get(pk=int(raw))
        )
    except Choice.DoesNotExist:
        return None
    # Compared here rather than in SQL: one condition less for the ORM to build every vote.
    return choice if choice.poll.article_id == article_id else None


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


def _refuse(request, poll: Poll, refused: VoteRefused) -> HttpResponse:
    if refused.status == 404 or not poll.article.is_public:
        raise Http404
    if request.htmx:
        return _render_box(request, poll, message=refused.message)
    return render(
        request,
        "polls/vote_refused.html",
        {"poll": poll, "article": poll.article, "message": refused.message},
        status=refused.status,
    )
