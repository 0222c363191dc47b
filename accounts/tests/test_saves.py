import pytest
from django.urls import reverse

from articles.models import Article, Save
from articles.services import article_save_toggle, recount

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def test_toggle_saves_and_unsaves_with_counter():
    """Pressing 저장 twice saves then unsaves; the count on the meta line follows."""
    user, article = make_user(), make_article()
    assert article_save_toggle(article=article, user=user) is True
    article.refresh_from_db()
    assert article.save_count == 1
    assert article_save_toggle(article=article, user=user) is False
    article.refresh_from_db()
    assert article.save_count == 0


def test_explicit_state_makes_double_submit_harmless():
    """A double-clicked 저장 form leaves the article saved once, not unsaved."""
    user, article = make_user(), make_article()
    article_save_toggle(article=article, user=user, saved=True)
    article_save_toggle(article=article, user=user, saved=True)
    article.refresh_from_db()
    assert article.save_count == 1 and Save.objects.count() == 1


def test_recount_repairs_drift():
    """A save counter that drifted is rebuilt from the rows."""
    user, article = make_user(), make_article()
    article_save_toggle(article=article, user=user)
    Article.objects.filter(pk=article.pk).update(save_count=7)
    assert recount() == 1
    article.refresh_from_db()
    assert article.save_count == 1


def test_save_button_on_article_page(client):
    """The article page shows the 저장 button with its count, pressed when saved."""
    user, article = make_user(), make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="save"' in html and "저장 <span" in html
    client.force_login(user)
    article_save_toggle(article=article, user=user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html


def test_anonymous_save_goes_to_login_and_back(client):
    """An anonymous click on 저장 goes to sign-in with a way back to the article."""
    article = make_article()
    response = client.post(reverse("articles:save", args=[article.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert f"next=/articles/{article.pk}/" in response.url
    assert not Save.objects.exists()


def test_anonymous_htmx_save_redirects_whole_page(client):
    """With htmx the anonymous click still lands on the sign-in page, not inside the button."""
    article = make_article()
    response = client.post(
        reverse("articles:save", args=[article.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_member_save_redirects_back_to_button(client):
    """Without JavaScript, saving reloads the article at the button."""
    user, article = make_user(), make_article()
    client.force_login(user)
    response = client.post(reverse("articles:save", args=[article.pk]), {"saved": "1"})
    assert response.url == f"/articles/{article.pk}/#save"
    article.refresh_from_db()
    assert article.save_count == 1


def test_htmx_save_returns_button_and_meta_count(client):
    """With htmx the button and the meta line's 저장 count update in place."""
    user, article = make_user(), make_article()
    client.force_login(user)
    response = client.post(
        reverse("articles:save", args=[article.pk]), {"saved": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'aria-pressed="true"' in html
    assert "hx-swap-oob=\"innerHTML:[data-count='saves']\">1<" in html


def test_save_is_post_only(client):
    """A link or prefetch cannot save an article."""
    article = make_article()
    assert client.get(reverse("articles:save", args=[article.pk])).status_code == 405


def test_draft_cannot_be_saved(client):
    """A crafted request cannot save an unpublished article."""
    client.force_login(make_user())
    article = make_article(status=Article.Status.DRAFT)
    assert client.post(reverse("articles:save", args=[article.pk])).status_code == 404


def test_saved_list_newest_first_with_unsave(client):
    """/me/saved/ lists saved articles, newest save first, and 저장 취소 removes one."""
    user = make_user()
    first, second = make_article(title="먼저 저장"), make_article(title="나중 저장")
    article_save_toggle(article=first, user=user)
    article_save_toggle(article=second, user=user)
    client.force_login(user)
    html = client.get(reverse("saved")).content.decode()
    assert html.index("나중 저장") < html.index("먼저 저장")
    response = client.post(
        reverse("articles:save", args=[second.pk]), {"saved": "0", "from": "saved"}
    )
    assert response.url == reverse("saved")
    html = client.get(reverse("saved")).content.decode()
    assert "나중 저장" not in html and "먼저 저장" in html


def test_saved_list_requires_login(client):
    """/me/saved/ asks anonymous visitors to sign in first."""
    response = client.get(reverse("saved"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_saved_list_is_private(client):
    """A member sees only their own saves."""
    owner, other = make_user(), make_user()
    article_save_toggle(article=make_article(title="남의 저장"), user=owner)
    client.force_login(other)
    assert "남의 저장" not in client.get(reverse("saved")).content.decode()
