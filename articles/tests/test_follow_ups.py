"""`후속기사 원해요`: a toggle with its public count, one per member, like 저장."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, FollowUpRequest
from articles.services import article_follow_up_toggle, recount

from .factories import make_article, make_user
from .helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="라마4 출시 기사")


@pytest.fixture
def member_client(client):
    member = make_user()
    client.force_login(member)
    client.member = member
    return client


def test_the_database_keeps_one_request_per_member(article):
    """A second request row for the same member and article is refused by the database."""
    user = make_user()
    FollowUpRequest.objects.create(user=user, article=article)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpRequest.objects.create(user=user, article=article)


def test_asking_twice_counts_once(article):
    """A double-submitted `원해요` leaves one request and a count of 1."""
    user = make_user()
    assert article_follow_up_toggle(article=article, user=user, wanted=True)
    assert article_follow_up_toggle(article=article, user=user, wanted=True)
    article.refresh_from_db()
    assert article.follow_up_request_count == 1 == FollowUpRequest.objects.count()
    assert not article_follow_up_toggle(article=article, user=user)
    article.refresh_from_db()
    assert article.follow_up_request_count == 0 == FollowUpRequest.objects.count()


def test_recount_repairs_the_request_count(article):
    """`recount` rebuilds `후속 요청` from the rows."""
    article_follow_up_toggle(article=article, user=make_user(), wanted=True)
    Article.objects.filter(pk=article.pk).update(follow_up_request_count=7)
    assert recount() == 1
    article.refresh_from_db()
    assert article.follow_up_request_count == 1


def test_the_button_and_count_are_on_every_article(client, article):
    """Every reader sees `후속기사 원해요 0` beside 저장."""
    assert "후속기사 원해요 0" in page_text(client.get(article.get_absolute_url()))


def test_a_member_asks_with_a_plain_form(member_client, article):
    """Without JavaScript the form posts, redirects back to the button and the count is 1."""
    response = member_client.post(f"/articles/{article.pk}/follow-up/", {"wanted": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#follow-up"
    page = member_client.get(article.get_absolute_url())
    assert "후속기사 원해요 1" in page_text(page)
    assert 'aria-pressed="true"' in page.content.decode()


def test_a_member_asks_with_htmx(member_client, article):
    """With htmx the button comes back pressed with the new count, in place."""
    response = member_client.post(
        f"/articles/{article.pk}/follow-up/", {"wanted": "1"}, headers={"hx-request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="follow-up"' in html and 'aria-pressed="true"' in html
    assert "후속기사 원해요 1" in page_text(response)
    response = member_client.post(
        f"/articles/{article.pk}/follow-up/", {"wanted": "0"}, headers={"hx-request": "true"}
    )
    assert "후속기사 원해요 0" in page_text(response)


def test_an_anonymous_reader_is_sent_to_sign_in_and_back(client, article):
    """Not signed in: the sign-in page, then back to the article; nothing is counted."""
    response = client.post(f"/articles/{article.pk}/follow-up/", {"wanted": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/articles/{article.pk}/"
    htmx = client.post(f"/articles/{article.pk}/follow-up/", headers={"hx-request": "true"})
    assert htmx["HX-Redirect"] == f"/accounts/login/?next=/articles/{article.pk}/"
    assert FollowUpRequest.objects.count() == 0


def test_no_request_for_a_draft_or_a_get(member_client):
    """A draft cannot be asked about (Korean 404), and a GET changes nothing (405)."""
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = member_client.post(f"/articles/{draft.pk}/follow-up/", {"wanted": "1"})
    assert response.status_code == 404
    assert member_client.get(f"/articles/{draft.pk}/follow-up/").status_code == 405
    assert FollowUpRequest.objects.count() == 0


def test_the_original_links_its_published_follow_up(client, article):
    """Once the follow-up is out, the original shows `후속 기사: <title>`; a scheduled one is not named."""
    scheduled = make_article(
        title="라마4 그 후", follow_up_of=article, published_at=timezone.now() + timedelta(hours=1)
    )
    assert "후속 기사:" not in page_text(client.get(article.get_absolute_url()))
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    text = page_text(client.get(article.get_absolute_url()))
    assert "후속 기사: 라마4 그 후" in text


def test_editors_rank_articles_by_open_requests(admin_client, article):
    """The admin's `열린 요청 순위` lists asked-for articles without a published follow-up, most asked first."""
    busy = make_article(title="요청 많은 기사")
    answered = make_article(title="이미 답한 기사")
    for _ in range(3):
        article_follow_up_toggle(article=busy, user=make_user(), wanted=True)
    article_follow_up_toggle(article=article, user=make_user(), wanted=True)
    article_follow_up_toggle(article=answered, user=make_user(), wanted=True)
    make_article(title="답한 후속 기사", follow_up_of=answered)
    response = admin_client.get("/admin/articles/article/?follow_up=open")
    html = response.content.decode()
    assert response.status_code == 200
    assert "이미 답한 기사" not in html
    assert html.index("요청 많은 기사") < html.index("라마4 출시 기사")
    assert "후속 요청" in html


def test_an_article_cannot_follow_up_itself(admin_client, article):
    """An editor who picks the article itself in `후속 기사` gets a Korean error; nothing is saved."""
    from articles.models import FOLLOW_UP_OF_ITSELF
    from articles.tests.test_images import admin_payload

    data = admin_payload(title=article.title, follow_up_of=article.pk)
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert FOLLOW_UP_OF_ITSELF in response.content.decode()
    article.refresh_from_db()
    assert article.follow_up_of is None
