"""What other apps add to articles' commands and cards, registered in their `AppConfig.ready()`.

`articles` imports neither `polls` nor `comments`. An app that has demo rows, counters to
repair or badges for article cards hands its functions over explicitly, so `grep` finds
every one of them:

    def ready(self):
        from articles import hooks

        from . import cards, demo, services

        hooks.register(self, load_demo=demo.load_demo, recount=services.recount,
                       card_badges=cards.decorate, rankings={"hot_polls": rankings.hot_polls})

- `load_demo(articles)`: the demo rows, given `{key: Article}` from articles' own demo.
- `recount() -> int`: rebuild the app's counters from its rows; returns how many were wrong.
- `card_badges(articles)`: append short strings to each `article.card_badges`, one query.
- `rankings`: {list name: fn} for the front page's ranked lists (articles/rankings.py), where
  `fn(*, since, articles, limit) -> [(article id, count)]` counts what happened since `since`
  to the articles of the `articles` subquery, most first, ties newest first, one query.
- `saved_cues(saves)`: append short strings to each `save.cues` on the member's saved list
  (`투표 마감 · 찬성 62%`), for what happened to `save.article` after `save.seen_at`; a
  constant number of queries for the whole list. Only lines whose article is public come.
- `article_saved(article, changed=set_of_field_names)`: an editor saved the article in the
  admin (inside the admin's transaction), e.g. to tell readers a follow-up is coming.
- `article_followed(article, user)`: a member just saved the article or asked for its
  follow-up (inside that transaction), e.g. to tell them of a follow-up already scheduled.

`manage.py load_demo` and `recount` run articles' own functions first, then the registered
ones in the order of INSTALLED_APPS.
"""

from collections.abc import Callable
from typing import NamedTuple

from django.apps import AppConfig, apps


class Hooks(NamedTuple):
    label: str
    load_demo: Callable | None
    recount: Callable | None
    card_badges: Callable | None
    rankings: dict[str, Callable] | None = None
    saved_cues: Callable | None = None
    article_saved: Callable | None = None
    article_followed: Callable | None = None


# By app name. A registry populated again (a test overriding INSTALLED_APPS) calls ready()
# again: the app's entry is replaced, not added twice.
REGISTERED: dict[str, Hooks] = {}


def register(
    config: AppConfig,
    *,
    load_demo=None,
    recount=None,
    card_badges=None,
    rankings=None,
    saved_cues=None,
    article_saved=None,
    article_followed=None,
) -> None:
    REGISTERED[config.name] = Hooks(
        config.label,
        load_demo,
        recount,
        card_badges,
        rankings=rankings,
        saved_cues=saved_cues,
        article_saved=article_saved,
        article_followed=article_followed,
    )


def registered(hook: str):
    """Yield (app label, function) for each installed app that registered `hook`."""
    for name, hooks in REGISTERED.items():
        function = getattr(hooks, hook)
        if function is not None and apps.is_installed(name):
            yield hooks.label, function


def decorate_cards(articles):
    """Let each app add short badges to article cards (e.g. "투표 12") in one query per app.

    Returns the list so views can pass it straight to templates.
    """
    articles = list(articles)
    for article in articles:
        article.card_badges = []
    if articles:
        for _label, card_badges in registered("card_badges"):
            card_badges(articles)
    return articles


def rankings() -> dict[str, Callable]:
    """{list name: provider} from every installed app that registered ranked lists."""
    providers = {}
    for _label, offered in registered("rankings"):
        providers.update(offered)
    return providers


def article_saved(article, *, changed: set[str]) -> None:
    """Tell each app that registered `article_saved` that an editor saved this article."""
    for _label, function in registered("article_saved"):
        function(article, changed=changed)


def article_followed(article, *, user) -> None:
    """Tell each app that registered `article_followed` that this member now follows the article."""
    for _label, function in registered("article_followed"):
        function(article, user=user)
