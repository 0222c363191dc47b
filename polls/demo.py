"""Demo poll for the Meta article: the seed's question, two sides, no votes."""

from .models import Choice, Poll

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
