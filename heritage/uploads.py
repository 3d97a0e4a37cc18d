"""Uploaded images: accepted only when they decode as a real image within limits, then re-encoded without metadata.

A file is judged by decoding it (Pillow ``verify()`` and a full ``load()``), never by its name or content type.
Accepted images are re-encoded from their pixels alone, so EXIF (GPS position, camera serial numbers), XMP,
comments and text chunks are dropped; the picture is first turned upright by its EXIF orientation. Files are
stored under a random name with the extension of the detected format.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Detected Pillow format -> stored extension. Only formats every browser shows; SVG (which can carry script)
# and animated or exotic formats are refused.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _open_checked(file):
    """Open ``file`` with Pillow after checking size and dimensions; raises ValidationError for anything else."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    max_pixels = settings.IMAGE_UPLOAD_MAX_PIXELS
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; the largest accepted is %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
            code="image_too_large",
        )
    file.seek(0)
    data = file.read()
    try:
        # Our own pixel limit is checked below; Pillow's decompression-bomb guard stays as a second line.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP image."),
                    code="image_format",
                )
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("The image is %(width)d × %(height)d pixels; the most accepted is %(max)s pixels in all.")
                    % {"width": width, "height": height, "max": f"{max_pixels:,}"},
                    code="image_too_many_pixels",
                )
            image.verify()
            # verify() leaves the image unusable; decode it again, fully, to catch truncated or corrupt data.
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The file is not an image that can be read."), code="image_invalid") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("The image is damaged and cannot be read."), code="image_invalid") from None
    finally:
        file.seek(0)
    return image


def validate_image_upload(file):
    """Field validator: a real JPEG, PNG or WebP image within the size and pixel limits."""
    if getattr(file, "_committed", False):
        return  # already stored (and cleaned) earlier; do not re-read every image on every save
    _open_checked(file)


def clean_image(file):
    """Return a ContentFile holding ``file`` re-encoded from its pixels, without metadata, named by its format."""
    image = _open_checked(file)
    source_format = image.format
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if source_format == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    else:
        mode = ("LA" if image.mode in ("L", "LA") else "RGBA") if has_alpha else ("L" if image.mode == "L" else "RGB")
    image = image.convert(mode)
    # A new image from the raw pixels carries no info dict: nothing of the original's metadata can follow.
    clean = Image.frombytes(mode, image.size, image.tobytes())
    output = io.BytesIO()
    options = {"quality": 90} if source_format in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(output, source_format, **options)
    return ContentFile(output.getvalue(), name=f"image.{ALLOWED_FORMATS[source_format]}")


def monument_image_path(instance, filename):
    """A random, unguessable name under the year; the extension comes from the detected format (see clean_image)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_FORMATS.values():
        extension = "bin"
    return f"monuments/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"
