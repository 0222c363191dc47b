import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from articles import images
from articles.models import Article

from .factories import image_bytes, make_category, make_reporter, make_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(staff=True, is_superuser=True))
    return client


def admin_payload(**extra):
    category, reporter = make_category(), make_reporter()
    data = {
        "title": "이미지 테스트 기사",
        "category": category.pk,
        "reporter": reporter.pk,
        "status": "published",
        "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "published_at_1": "00:00:00",
        "body": "본문",
        "source_name": "AI PICK",
        "cover_caption": "",
        "cover_alt": "",
        "summary_lines-TOTAL_FORMS": "0",
        "summary_lines-INITIAL_FORMS": "0",
        "summary_lines-MIN_NUM_FORMS": "0",
        "summary_lines-MAX_NUM_FORMS": "3",
        "debate_lines-TOTAL_FORMS": "0",
        "debate_lines-INITIAL_FORMS": "0",
        "debate_lines-MIN_NUM_FORMS": "0",
        "debate_lines-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def stored_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def truncated_jpeg():
    data = image_bytes("JPEG", size=(1200, 800), color=(200, 30, 30), quality=95)
    return data[: len(data) // 2]


def pixel_bomb():
    # 12000 × 12000 one-bit pixels: a tiny file that would decode to 144 megapixels.
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    return out.getvalue()


def oversized_png():
    # A valid image padded past 10 MB: the byte limit must hold whatever the pixels.
    return image_bytes("PNG") + b"\0" * (10 * 1024 * 1024 + 1)


REJECTIONS = {
    "fake": (lambda: b"this is not an image at all", "fake.png"),
    "svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "logo.svg",
    ),
    "truncated": (truncated_jpeg, "cut.jpg"),
    "bomb": (pixel_bomb, "bomb.png"),
    "oversized": (oversized_png, "huge.png"),
}


@pytest.mark.parametrize("case", REJECTIONS)
def test_bad_cover_images_get_a_form_error_and_save_nothing(editor_client, settings, case):
    """A fake image, SVG, truncated file, pixel bomb or >10 MB file is refused in the admin, nothing saved."""
    make_bytes, name = REJECTIONS[case]
    response = editor_client.post(
        "/admin/articles/article/add/", admin_payload(cover=upload(name, make_bytes()))
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cover" in errors, errors
    message = " ".join(errors["cover"])
    assert any(word in message for word in ["이미지", "화소", "10MB"]), message
    assert not Article.objects.exists()
    assert stored_files(settings) == []


def test_good_cover_is_stripped_of_exif_and_gets_webp_renditions(editor_client, settings):
    """A phone photo loses its EXIF (GPS, camera) and is served as 480 and 1200 px WebP copies."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N"}  # GPS info
    photo = image_bytes("JPEG", size=(2000, 1000), exif=exif.tobytes())
    assert Image.open(io.BytesIO(photo)).getexif()

    response = editor_client.post(
        "/admin/articles/article/add/",
        admin_payload(cover=upload("photo.jpg", photo, "image/jpeg")),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    with Image.open(article.cover.path) as original:
        assert not original.getexif()
    widths = [r["width"] for r in article.cover_renditions]
    assert widths == [480, 1200]
    for rendition in article.cover_renditions:
        path = Path(settings.MEDIA_ROOT) / rendition["url"].removeprefix(settings.MEDIA_URL)
        with Image.open(path) as img:
            assert img.format == "WEBP"
            assert img.size == (rendition["width"], rendition["height"])
    assert article.srcset.endswith("1200w")


def test_small_images_are_never_upscaled():
    """A 300 px image keeps one 300 px rendition rather than a blurry enlargement."""
    from django.core.files.base import ContentFile

    article = Article(
        title="작은 그림",
        category=make_category(),
        reporter=make_reporter(),
        body="본문",
    )
    article.cover = ContentFile(image_bytes("PNG", size=(300, 200)), name="small.png")
    article.save()
    article.refresh_from_db()
    assert [r["width"] for r in article.cover_renditions] == [300]


def test_a_stored_cover_is_not_checked_or_processed_again_but_a_new_one_is(settings):
    """Re-saving keeps the stored cover and its renditions as they are; a replacement is
    checked, stripped and rendered like any upload."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    article = Article(title="다시 저장", category=make_category(), reporter=make_reporter())
    article.body = "본문"
    article.cover = ContentFile(image_bytes("PNG", size=(600, 300)), name="first.png")
    article.save()
    article = Article.objects.get(pk=article.pk)
    stored, renditions = article.cover.name, article.cover_renditions
    settings.COVER_MAX_PIXELS = 100  # a rule the stored cover came in before

    article.title = "제목만 바꿈"
    article.full_clean()
    article.save()
    article.refresh_from_db()
    assert (article.cover.name, article.cover_renditions) == (stored, renditions)

    article.cover = ContentFile(image_bytes("PNG", size=(500, 250)), name="second.png")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "cover" in refused.value.message_dict
    settings.COVER_MAX_PIXELS = 40_000_000
    article.full_clean()
    article.save()
    article.refresh_from_db()
    assert article.cover.name != stored
    assert [r["width"] for r in article.cover_renditions] == [480, 500]


def test_validator_messages_are_specific():
    """Editors are told why: too many pixels, broken file, or not an image."""
    assert "화소" in images.TOO_MANY_PIXELS
    assert "손상" in images.BROKEN_IMAGE
    assert "이미지 파일이 아닙니다" in images.NOT_AN_IMAGE
