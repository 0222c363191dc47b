"""Cover images: checked on upload, stripped of metadata, served as WebP renditions."""

import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
RENDITION_WIDTHS = (480, 1200)

TOO_LARGE = "이미지 파일이 너무 큽니다 (10MB 이하만 올릴 수 있습니다)."
TOO_MANY_PIXELS = "이미지 해상도가 너무 큽니다 (4천만 화소 이하만 올릴 수 있습니다)."
NOT_AN_IMAGE = "이미지 파일이 아닙니다. JPEG, PNG, WebP, GIF 파일을 올려 주세요."
WRONG_FORMAT = "지원하지 않는 이미지 형식입니다. JPEG, PNG, WebP, GIF만 올릴 수 있습니다."
BROKEN_IMAGE = "이미지 파일이 손상되었거나 잘려 있습니다. 원본 파일을 다시 올려 주세요."


def _open_checked(file) -> Image.Image:
    """Open and fully decode an upload, refusing bombs, fakes and truncated files."""
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(WRONG_FORMAT, code="format")
            width, height = image.size
            if width * height > settings.COVER_MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="pixels")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(TOO_MANY_PIXELS, code="pixels") from exc
        except UnidentifiedImageError as exc:
            raise ValidationError(NOT_AN_IMAGE, code="not_image") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(BROKEN_IMAGE, code="broken") from exc
    return image


def validate_cover(file) -> None:
    """Checks a new cover; `Article.clean_fields` leaves an unchanged, stored one alone."""
    if file.size > settings.COVER_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="size")
    _open_checked(file)
    file.seek(0)


def strip_metadata(field_file) -> None:
    """Re-encode the original so EXIF (camera, GPS) never reaches readers."""
    image = _open_checked(field_file.file)
    fmt = image.format
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        image.save(out, fmt)
    name = PurePosixPath(field_file.name).stem + "." + ALLOWED_FORMATS[fmt]
    field_file.file = ContentFile(out.getvalue(), name=name)
    field_file.name = name


def make_renditions(field_file) -> list[dict]:
    """WebP copies at the widths the page's srcset offers (never upscaled)."""
    field_file.open("rb")
    field_file.seek(0)
    source = Image.open(field_file)
    source.load()
    source = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    base = PurePosixPath(field_file.name)
    renditions = []
    for width in RENDITION_WIDTHS:
        target_width = min(width, source.width)
        if renditions and renditions[-1]["width"] == target_width:
            continue
        height = round(source.height * target_width / source.width)
        resized = source.resize((target_width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "WEBP", quality=82, method=4)
        name = default_storage.save(
            str(base.with_name(f"{base.stem}-{target_width}w.webp")), ContentFile(out.getvalue())
        )
        renditions.append(
            {"url": default_storage.url(name), "width": target_width, "height": height}
        )
    return renditions
