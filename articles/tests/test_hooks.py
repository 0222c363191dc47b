import pytest
from django.test import modify_settings

from articles import hooks


def labels(hook):
    return [label for label, _function in hooks.registered(hook)]


def test_polls_and_comments_register_in_the_order_of_installed_apps():
    """`load_demo` and `recount` reach polls then comments; only polls puts badges on cards."""
    assert labels("load_demo") == ["polls", "comments", "notifications"]
    assert labels("recount") == ["polls", "comments"]
    assert labels("card_badges") == ["polls"]


def test_an_app_left_out_of_installed_apps_is_skipped():
    """A test settings override without comments runs polls' hooks only, once each."""
    with modify_settings(INSTALLED_APPS={"remove": ["comments"]}):
        assert labels("recount") == ["polls"]
    assert labels("recount") == ["polls", "comments"]


@pytest.mark.django_db
def test_cards_without_articles_run_no_query(django_assert_num_queries):
    """An empty page of cards asks no app for badges."""
    with django_assert_num_queries(0):
        assert hooks.decorate_cards([]) == []
