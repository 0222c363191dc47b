from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.groups import EDITORS_GROUP
from articles.models import Article
from articles.tests.factories import make_article, make_category, make_reporter
from polls import ratelimit
from polls.forms import PollInlineForm
from polls.models import Choice, Poll, PollSnapshot
from polls.services import (
    POLL_CHOICE_DUPLICATE,
    POLL_CHOICE_HAS_VOTES,
    POLL_CHOICE_TOO_LONG,
    POLL_CHOICES_TOO_FEW,
    POLL_CHOICES_TOO_MANY,
    poll_vote_cast,
)

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


def test_editors_see_how_many_readers_the_vote_limit_refused(client, settings):
    """The poll's admin page counts each address the limit refused once an hour, however
    often it tried, and last hour's count stays readable; readers are never shown it."""
    settings.POLL_RATE_LIMIT = "1/minute"
    poll = make_poll()
    hour = ratelimit.this_hour()
    with mock.patch.object(ratelimit, "this_hour", return_value=hour - 1):
        send_votes(poll, "198.51.100.50", 2)
    with mock.patch.object(ratelimit, "this_hour", return_value=hour):
        send_votes(poll, "198.51.100.51", 5)  # one reader flooding: counted once
        send_votes(poll, "198.51.100.52", 2)
        client.force_login(make_user(staff=True, is_superuser=True))
        html = client.get(f"/admin/polls/poll/{poll.pk}/change/").content.decode()
    assert "투표 제한에 막힌 독자" in html
    assert "이번 시간 2명 · 지난 시간 1명" in html


def send_votes(poll, address: str, times: int) -> None:
    reader = Client(REMOTE_ADDR=address)
    url = reverse("polls:vote", args=[poll.article_id])
    for _ in range(times):
        reader.post(url, {"choice": choices(poll)[0].pk})


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


# --- The poll on the article's admin page ------------------------------------------


class _FormFields(HTMLParser):
    """What a browser would submit for one form: inputs, checked boxes, textareas, selects."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "__prefix__" in (a.get("name") or ""):
            return  # outside the form, or the template an inline's "add another" copies
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "checkbox"):
            self.data[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.data[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def article_form(client, url) -> tuple[dict, str]:
    """The article admin form's fields as a browser would post them, and the poll's prefix."""
    html = client.get(url).content.decode()
    parser = _FormFields("article_form")
    parser.feed(html)
    data = {k: v.removeprefix("\n") for k, v in parser.data.items()}  # as a browser reads it
    prefix = next(
        name.removesuffix("-TOTAL_FORMS")
        for name in data
        if name.endswith("-TOTAL_FORMS")
        and f"{name.removesuffix('-TOTAL_FORMS')}-0-question" in data
    )
    return data, prefix


@pytest.fixture
def editor(client):
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    client.force_login(user)
    return client


@pytest.fixture
def superuser(client):
    client.force_login(make_user(staff=True, is_superuser=True))
    return client


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def new_article_fields(data: dict) -> dict:
    data.update(
        title="투표가 붙은 기사",
        category=make_category().pk,
        reporter=make_reporter().pk,
        status="published",
        published_at_0=timezone.localtime().strftime("%Y-%m-%d"),
        published_at_1="00:00:00",
        body="본문",
    )
    return data


def errors(response) -> list:
    """The form's and inline forms' errors, for a failed assertion's message."""
    context = response.context or {}
    found = [context["adminform"].form.errors] if "adminform" in context else []
    for inline in context.get("inline_admin_formsets", []):
        found += [inline.formset.non_form_errors(), *inline.formset.errors]
    return [e for e in found if e]


def cast(poll, label: str, times: int = 1) -> None:
    choice = poll.choices.get(label=label)
    for _ in range(times):
        poll_vote_cast(poll=poll, choice=choice, voter=browser())


def test_editor_creates_an_article_with_its_poll(editor):
    """An editor writes the article and its 찬/반 poll on one page; choices come in line order."""
    data, p = article_form(editor, "/admin/articles/article/add/")
    assert data[f"{p}-0-choices"] == "찬성\n반대"  # the default for a new poll
    new_article_fields(data)
    data[f"{p}-0-question"] = "AI 규제, 지금 필요할까?"
    data[f"{p}-0-choices"] = "필요하다\r\n  아직 이르다  \r\n\r\n"  # CRLF, spaces, blank lines
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, errors(response)
    poll = Article.objects.get().poll
    assert poll.question == "AI 규제, 지금 필요할까?"
    assert [(c.label, c.order, c.vote_count) for c in choices(poll)] == [
        ("필요하다", 1, 0),
        ("아직 이르다", 2, 0),
    ]
    assert poll.choices.values("ref").first()["ref"] == poll.pk * 1000


def test_article_saved_without_touching_the_poll_section_has_no_poll(editor):
    """Leaving the poll section as the page offered it adds the article and no poll."""
    data, p = article_form(editor, "/admin/articles/article/add/")
    data[f"{p}-0-choices"] = data[f"{p}-0-choices"].replace("\n", "\r\n")  # as browsers send it
    response = editor.post("/admin/articles/article/add/", new_article_fields(data))
    assert response.status_code == 302, errors(response)
    assert not Poll.objects.exists()
    assert not Choice.objects.exists()


def test_editor_edits_the_question_from_the_article_page(editor):
    """Changing the question on the article page keeps the choices, their rows and their votes."""
    poll = make_poll()
    cast(poll, "찬성")
    before = [(c.pk, c.ref, c.vote_count) for c in choices(poll)]
    data, p = article_form(editor, change_url(poll.article))
    assert data[f"{p}-0-choices"] == "찬성\n반대"
    data[f"{p}-0-question"] = "바뀐 질문"
    data[f"{p}-0-vote_count"] = "9999"  # no such field: ignored
    response = editor.post(change_url(poll.article), data)
    assert response.status_code == 302, errors(response)
    poll.refresh_from_db()
    assert poll.question == "바뀐 질문"
    assert [(c.pk, c.ref, c.vote_count) for c in choices(poll)] == before


@pytest.mark.parametrize("lines", ["반대\n보류", "찬성함\n반대"], ids=["removed", "renamed"])
def test_refuses_to_drop_a_choice_that_has_votes(superuser, lines):
    """Removing or renaming a voted choice shows a Korean error on the form and saves nothing."""
    poll = make_poll()
    cast(poll, "찬성", 2)
    data, p = article_form(superuser, change_url(poll.article))
    data[f"{p}-0-question"] = "바뀌면 안 되는 질문"
    data[f"{p}-0-choices"] = lines
    response = superuser.post(change_url(poll.article), data)
    assert response.status_code == 200
    assert POLL_CHOICE_HAS_VOTES.format(label="찬성", count=2) in response.content.decode()
    poll.refresh_from_db()
    assert poll.question == "메타 AI 신뢰도 회복 가능할까?"
    assert [(c.label, c.vote_count) for c in choices(poll)] == [("찬성", 2), ("반대", 0)]


def test_unvoted_choice_may_go_and_order_follows_the_lines(editor):
    """A choice nobody voted for can be removed; kept ones keep their votes in the new order."""
    poll = make_poll(labels=("찬성", "반대", "보류"))
    cast(poll, "반대", 3)
    con = poll.choices.get(label="반대")
    data, p = article_form(editor, change_url(poll.article))
    data[f"{p}-0-choices"] = "반대\n찬성\n조건부 찬성"
    response = editor.post(change_url(poll.article), data)
    assert response.status_code == 302, errors(response)
    assert [(c.label, c.order, c.vote_count) for c in choices(poll)] == [
        ("반대", 1, 3),
        ("찬성", 2, 0),
        ("조건부 찬성", 3, 0),
    ]
    assert poll.choices.get(label="반대").pk == con.pk
    assert con.votes.count() == 3


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("찬성", POLL_CHOICES_TOO_FEW),
        ("\n".join("가나다라마바사"), POLL_CHOICES_TOO_MANY),
        ("찬성\n반대\n찬성", POLL_CHOICE_DUPLICATE.format(label="찬성")),
        ("찬성\n" + "가" * 41, POLL_CHOICE_TOO_LONG.format(label="가" * 41)),
    ],
    ids=["one", "seven", "duplicate", "too-long"],
)
def test_choice_lines_are_checked(editor, lines, message):
    """2–6 unique labels of up to 40 characters, or a Korean error and no article, no poll."""
    data, p = article_form(editor, "/admin/articles/article/add/")
    data[f"{p}-0-question"] = "질문"
    data[f"{p}-0-choices"] = lines
    response = editor.post("/admin/articles/article/add/", new_article_fields(data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()
    assert not Poll.objects.exists()


def test_article_page_shows_results_read_only_and_links_to_the_poll(editor):
    """The poll section shows counts and percentages as text, no count inputs, and a link."""
    poll = make_poll()
    cast(poll, "찬성", 5)
    cast(poll, "반대", 3)
    html = editor.get(change_url(poll.article)).content.decode()
    assert "찬성 62.5% (5표) · 반대 37.5% (3표) · 합계 100.0% (8표)" in html
    assert "vote_count" not in html
    assert f"/admin/polls/poll/{poll.pk}/change/" in html


def test_a_poll_is_deleted_from_the_article_page_only_without_votes(editor):
    """Without votes the poll can be removed with the article's form; with votes it cannot."""
    voted, unvoted = make_poll(), make_poll()
    cast(voted, "찬성")
    for poll in (voted, unvoted):
        data, p = article_form(editor, change_url(poll.article))
        assert (f"{p}-0-DELETE" in editor.get(change_url(poll.article)).content.decode()) == (
            poll is unvoted
        )
        data[f"{p}-0-DELETE"] = "on"
        response = editor.post(change_url(poll.article), data)
        assert response.status_code == 302, errors(response)
    assert list(Poll.objects.values_list("pk", flat=True)) == [voted.pk]
    assert voted.choices.get(label="찬성").vote_count == 1


def test_article_post_without_the_poll_section_leaves_the_poll_alone(editor):
    """A POST of the article form alone (no poll management form) saves the article, poll untouched."""
    poll = make_poll()
    data, p = article_form(editor, change_url(poll.article))
    data = {k: v for k, v in data.items() if not k.startswith(f"{p}-")}
    data["title"] = "제목만 바꾼 기사"
    response = editor.post(change_url(poll.article), data)
    assert response.status_code == 302, errors(response)
    poll.refresh_from_db()
    assert poll.article.title == "제목만 바꾼 기사"
    assert [c.label for c in choices(poll)] == ["찬성", "반대"]


def test_frozen_poll_keeps_its_dates_and_choices_on_the_article_page(editor):
    """Once the final result is frozen, the article page cannot move the dates or the choices."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=2))
    cast(poll, "찬성")
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    call_command("freeze_polls", verbosity=0)
    data, p = article_form(editor, change_url(poll.article))
    assert f"{p}-0-closes_at_0" not in data
    data[f"{p}-0-choices"] = "반대\n보류"  # a disabled field: the posted value is ignored
    data[f"{p}-0-question"] = "마감 뒤 다듬은 질문"
    response = editor.post(change_url(poll.article), data)
    assert response.status_code == 302, errors(response)
    poll.refresh_from_db()
    assert poll.question == "마감 뒤 다듬은 질문"
    assert [(c.label, c.vote_count) for c in choices(poll)] == [("찬성", 1), ("반대", 0)]


def test_poll_form_saved_with_commit_false_writes_choices_with_save_m2m():
    """Saved with commit=False, a new poll's choices are written by save_m2m(), after its row."""
    form = PollInlineForm(
        data={
            "question": "나중에 저장하는 투표",
            "opens_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            "allow_anonymous": "on",
            "results_visibility": Poll.ResultsVisibility.ALWAYS,
            "choices": "예\n아니오\n모름",
        }
    )
    assert form.is_valid(), form.errors
    poll = form.save(commit=False)
    assert poll.pk is None
    poll.article = make_article()
    poll.save()
    assert not poll.choices.exists()
    form.save_m2m()
    assert [c.label for c in choices(poll)] == ["예", "아니오", "모름"]
