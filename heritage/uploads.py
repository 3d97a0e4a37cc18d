"""Uploaded images: accepted only when they decode as a real image within limits, then re-encoded without metadata
and stored with smaller renditions for ``srcset``.

A file is judged by decoding it (Pillow ``verify()`` and a full ``load()``), never by its name or content type.
Accepted images are re-encoded from their pixels alone, so EXIF (GPS position, camera serial numbers), XMP,
comments and text chunks are dropped; the picture is first turned upright by its EXIF orientation. The colour
profile (ICC) is kept, in the image and its renditions: it is colour data, and without it a wide-gamut photo
(Display P3, Adobe RGB) shows dull or shifted colours. Files are stored under a random name with the extension of
the detected format.

Each upload is decoded once: the form's validation prepares everything (the clean image and each rendition,
encoded) and keeps it on the uploaded file, and saving the record stores what was prepared.

Renditions are made at upload, ``RENDITION_WIDTHS`` narrower than the original, beside it
(``<name>-480w.jpg``): the pixels are already decoded then, pages never wait for a resize, and the reverse proxy
serves them as plain files like the originals (made lazily, they would need the app on the path of every image).
"""

import io
import logging
import uuid
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Detected Pillow format -> stored extension. Only formats every browser shows; SVG (which can carry script)
# and animated or exotic formats are refused.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A phone's width, its width at 2× (and a gallery image on a wide screen), and a large screen's.
RENDITION_WIDTHS = (480, 960, 1600)
# The colour space an ICC profile must describe to be kept with pixels of each stored mode.
PROFILE_SPACES = {"RGB": "RGB", "RGBA": "RGB", "L": "GRAY", "LA": "GRAY"}


@dataclass
class Prepared:
    """An upload, decoded and re-encoded: the clean image and its renditions by width, ready to store."""

    data: bytes
    extension: str
    width: int
    height: int
    renditions: dict = field(default_factory=dict)


def _open_checked(data):
    """The image in ``data``, fully decoded, after checking format and dimensions; ValidationError otherwise."""
    max_pixels = settings.IMAGE_UPLOAD_MAX_PIXELS
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
                    % {"width": width, "height": height, "max": intcomma(max_pixels)},
                    code="image_too_many_pixels",
                )
            image.verify()  # the file's structure (PNG checksums): no pixels decoded yet
            # verify() leaves the image unusable; open it again and decode it, the one time, in full.
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The file is not an image that can be read."), code="image_invalid") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("The image is damaged and cannot be read."), code="image_invalid") from None
    return image


def _profile_for(mode, icc_profile):
    """The ICC profile to store with pixels of ``mode``: the upload's, when it is readable and of their colour
    space (a CMYK photo's profile does not describe its RGB pixels), else none (browsers then assume sRGB)."""
    if not icc_profile:
        return None
    try:
        space = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)).profile.xcolor_space.strip()
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
    return icc_profile if space == PROFILE_SPACES[mode] else None


def _encode(image, image_format, icc_profile, quality):
    options = {"quality": quality} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    output = io.BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def prepare(data):
    """Check, decode once, clean and encode ``data`` (the uploaded bytes) and its renditions: a ``Prepared``."""
    image = _open_checked(data)
    source_format = image.format
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if source_format == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    else:
        mode = ("LA" if image.mode in ("L", "LA") else "RGBA") if has_alpha else ("L" if image.mode == "L" else "RGB")
    image = image.convert(mode)
    # A new image from the raw pixels carries no info dict: nothing of the original's metadata can follow, but
    # the colour profile, which is put back explicitly.
    clean = Image.frombytes(mode, image.size, image.tobytes())
    del image
    icc_profile = _profile_for(mode, icc_profile)
    width, height = clean.size
    renditions = {}
    for target in RENDITION_WIDTHS:
        if target < width:
            size = (target, max(1, round(height * target / width)))
            # reducing_gap: a quick box reduction first, then Lanczos on a copy at most twice the target size.
            smaller = clean.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
            renditions[target] = _encode(smaller, source_format, icc_profile, quality=85)
    return Prepared(
        data=_encode(clean, source_format, icc_profile, quality=90),
        extension=ALLOWED_FORMATS[source_format],
        width=width,
        height=height,
        renditions=renditions,
    )


def prepared_upload(file):
    """``prepare()`` of an uploaded file, done once per file: kept on the file object for the next call."""
    upload = getattr(file, "file", file)  # a model's FieldFile wraps the UploadedFile
    prepared = getattr(upload, "_heritage_prepared", None)
    if prepared is None:
        max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                _("The image is %(size)s; the largest accepted is %(max)s.")
                % {"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
                code="image_too_large",
            )
        file.seek(0)
        try:
            prepared = prepare(file.read())
        finally:
            file.seek(0)
        upload._heritage_prepared = prepared
    return prepared


def validate_image_upload(file):
    """Field validator: a real JPEG, PNG or WebP image within the size and pixel limits."""
    if getattr(file, "_committed", False):
        return  # already stored (and cleaned) earlier; do not re-read every image on every save
    prepared_upload(file)


def rendition_name(name, width):
    """Where the rendition ``width`` pixels wide of the stored image ``name`` is kept: beside it."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}-{width}w{dot}{extension}"


def rendition_widths(width):
    """The widths of the renditions an image ``width`` pixels wide has (none for a small one)."""
    return [target for target in RENDITION_WIDTHS if width and target < width]


def store_renditions(storage, name, renditions):
    for width, data in renditions.items():
        stored = storage.save(rendition_name(name, width), ContentFile(data))
        if stored != rendition_name(name, width):  # taken already (never, with random names): keep one name
            storage.delete(stored)
            logger.warning("A rendition of %s already existed and was kept: %s", name, rendition_name(name, width))


def delete_renditions(storage, name, width):
    for target in rendition_widths(width):
        storage.delete(rendition_name(name, target))


def restore_renditions(storage, name):
    """Make the renditions of a stored image again (decoding it once): after a record is recovered from its
    history or imported as it was, and for images stored before renditions existed. Returns its (width, height),
    or ``None`` when the file is missing or unreadable (logged)."""
    try:
        with storage.open(name, "rb") as file:
            prepared = prepare(file.read())
    except (OSError, ValidationError) as error:
        logger.warning("No renditions made for %s: %s", name, error)
        return None
    missing = {w: data for w, data in prepared.renditions.items() if not storage.exists(rendition_name(name, w))}
    store_renditions(storage, name, missing)
    return prepared.width, prepared.height


class ImageWithRenditions:
    """For a model with an ImageField ``image`` and integer fields ``width`` and ``height``: a new upload is
    stored clean (``prepared_upload``) with its renditions beside it, and pages get ``src``, ``srcset`` and the size.

    The receivers below keep the renditions with the record: gone when it is deleted (the original stays, so
    "Recover deleted" can bring the record back, and its renditions are then made again), made again when a
    record is saved from its history (django-reversion's revert and recover save without calling ``save()``).
    """

    def save(self, *args, **kwargs):
        prepared = replaced = None
        if self.image and not self.image._committed:
            prepared = prepared_upload(self.image)
            if self.pk is not None:
                replaced = type(self)._base_manager.filter(pk=self.pk).values_list("image", "width").first()
            self.image = ContentFile(prepared.data, name=f"image.{prepared.extension}")
            self.width, self.height = prepared.width, prepared.height
        super().save(*args, **kwargs)
        if prepared is not None:
            store_renditions(self.image.storage, self.image.name, prepared.renditions)
        if replaced and replaced[0] != self.image.name:
            storage = self.image.storage
            transaction.on_commit(lambda: delete_renditions(storage, *replaced), using=kwargs.get("using"))

    def rendition_urls(self):
        """(width, URL) of each rendition, narrowest first, then the original's."""
        storage, name = self.image.storage, self.image.name
        urls = [(width, storage.url(rendition_name(name, width))) for width in rendition_widths(self.width)]
        return [*urls, (self.width, self.image.url)] if urls else []

    @property
    def src(self):
        """The narrowest rendition (for browsers without ``srcset``), or the original when there is none."""
        urls = self.rendition_urls()
        return urls[0][1] if urls else self.image.url

    @property
    def srcset(self):
        return ", ".join(f"{url} {width}w" for width, url in self.rendition_urls())


def renditions_after_delete(sender, instance, using="default", **kwargs):
    """post_delete: the record's renditions go once the delete is committed (not the original: see above)."""
    if instance.image:
        storage, name, width = instance.image.storage, instance.image.name, instance.width
        transaction.on_commit(lambda: delete_renditions(storage, name, width), using=using)


def renditions_after_raw_save(sender, instance, raw=False, using="default", **kwargs):
    """post_save: a record saved as it was stored (history, fixtures) gets its missing renditions back."""
    if not raw or not instance.image:
        return
    size = restore_renditions(instance.image.storage, instance.image.name)
    if size and size != (instance.width, instance.height):
        instance.width, instance.height = size
        sender._base_manager.using(using).filter(pk=instance.pk).update(width=size[0], height=size[1])


def monument_image_path(instance, filename):
    """A random, unguessable name under the year; the extension is the detected format's (``prepare``)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_FORMATS.values():
        extension = "bin"
    return f"monuments/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"
