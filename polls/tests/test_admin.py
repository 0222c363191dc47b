from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from polls.models import Poll, PollSnapshot
from polls.services import poll_vote_cast

from .factories import browser, choices, make_poll, make_user

pytestmark = pytest.mark.django_db


def test_editors_group_can_run_polls_but_not_edit_votes():
    """편집자 may add and change polls and choices, and only read votes and final results."""
    codenames = set(
        Group.objects.get(name="편집자")
        .permissions.filter(content_type__app_label="polls")
        .values_list("codename", flat=True)
    )
    assert {"add_poll", "change_poll", "add_choice", "view_vote", "view_pollsnapshot"} <= codenames
    assert not codenames & {"change_vote", "add_vote", "change_pollsnapshot"}


def test_admin_shows_counts_read_only_and_they_cannot_be_posted(client):
    """The poll page in the admin shows 득표 and 비율 as text; a crafted POST cannot set a count."""
    poll = make_poll()
    pro, con = choices(poll)
    poll_vote_cast(poll=poll, choice=pro, voter=browser())
    client.force_login(make_user(staff=True, is_superuser=True))
    html = client.get(f"/admin/polls/poll/{poll.pk}/change/").content.decode()
    assert "찬성 100.0% (1표)" in html
    assert 'name="choices-0-vote_count"' not in html
    data = {
        "article": poll.article_id,
        "question": "바뀐 질문",
        "opens_at_0": timezone.localtime(poll.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": timezone.localtime(poll.opens_at).strftime("%H:%M:%S"),
        "allow_anonymous": "on",
        "results_visibility": "always",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "2",
        "choices-0-id": pro.pk,
        "choices-0-poll": poll.pk,
        "choices-0-label": "찬성",
        "choices-0-order": "1",
        "choices-0-vote_count": "9999",
        "choices-1-id": con.pk,
        "choices-1-poll": poll.pk,
        "choices-1-label": "반대",
        "choices-1-order": "2",
    }
    response = client.post(f"/admin/polls/poll/{poll.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    poll.refresh_from_db()
    pro.refresh_from_db()
    assert (poll.question, pro.vote_count) == ("바뀐 질문", 1)


def test_results_export_as_csv(client):
    """Editors download results as CSV that Excel opens in Korean; formulas are defused."""
    poll = make_poll(question="=HYPERLINK(1)")
    poll_vote_cast(poll=poll, choice=choices(poll)[1], voter=browser())
    client.force_login(make_user(staff=True, is_superuser=True))
    response = client.post(
        "/admin/polls/poll/", {"action": "export_csv", "_selected_action": [poll.pk]}
    )
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK(1),반대,1,100.0" in body


def test_freeze_polls_command_freezes_closed_polls_once():
    """`manage.py freeze_polls` (hourly cron) freezes each closed poll's result once."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=3))
    make_poll()  # still open: left alone
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    call_command("freeze_polls", verbosity=0)
    call_command("freeze_polls", verbosity=0)
    assert list(PollSnapshot.objects.values_list("poll_id", "total")) == [(poll.pk, 1)]
