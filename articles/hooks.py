"""Per-app hooks for the site-wide commands, found by convention so `articles` imports no other app.

An app joins `load_demo` with `<app>/demo.py: load_demo(articles)` and `recount` with
`<app>/services` (a module or a package): `recount() -> int` (the number of counters it had to repair).
"""

import functools
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver


def app_functions(module_name: str, function_name: str):
    """Yield (app label, function) for every installed app offering the hook, articles first."""
    configs = sorted(apps.get_app_configs(), key=lambda c: c.label != "articles")
    for config in configs:
        dotted = f"{config.name}.{module_name}"
        if find_spec(config.name) is None or find_spec(dotted) is None:
            continue
        function = getattr(import_module(dotted), function_name, None)
        if callable(function):
            yield config.label, function


def decorate_cards(articles):
    """Let each app add short badges to article cards (e.g. "투표 12") in one query per app.

    An app joins with `<app>/cards.py: decorate(articles)`, which may append strings to
    `article.card_badges`. Returns the list so views can pass it straight to templates.
    """
    articles = list(articles)
    for article in articles:
        article.card_badges = []
    if articles:
        for decorate in _card_decorators():
            decorate(articles)
    return articles


@functools.cache
def _card_decorators() -> tuple:
    # Looked up once per process: finding the modules walks the import path (a quarter of a
    # millisecond), and every article page and list asks.
    return tuple(decorate for _label, decorate in app_functions("cards", "decorate"))


@receiver(setting_changed)
def _forget_card_decorators(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        _card_decorators.cache_clear()
