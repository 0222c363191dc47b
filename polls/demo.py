"""Demo poll for the Meta article: the seed's question, two sides; the comments demo's
members vote in it (`member_votes_cast`)."""

from .models import Choice, Poll
from .services import Voter, poll_vote_cast

META_POLL = {
    "article": "meta-llama4-crisis",
    "question": "메타 AI 신뢰도 회복 가능할까?",
    "choices": ["찬성", "반대"],
}


def load_demo(articles) -> None:
    article = articles.get(META_POLL["article"])
    if article is None:
        return
    poll, _ = Poll.objects.update_or_create(
        article=article,
        defaults={"question": META_POLL["question"], "opens_at": article.published_at},
    )
    for order, label in enumerate(META_POLL["choices"], start=1):
        choice = Choice.objects.filter(poll=poll, label=label).first() or Choice(
            poll=poll, label=label
        )
        choice.order = order
        choice.save()


def member_votes_cast(*, article, sides: dict) -> None:
    """Each demo member's vote on the article's demo poll: {user: choice label}.

    Called by the comments demo, whose members these are. Through `poll_vote_cast`, so the
    counts move the way a reader's vote moves them; a second run finds every vote unchanged.
    """
    poll = Poll.objects.get(article=article)
    choices = {choice.label: choice for choice in poll.choices.all()}
    for user, label in sides.items():
        poll_vote_cast(poll=poll, choice=choices[label], voter=Voter.member(user))
