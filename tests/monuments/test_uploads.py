"""Monument images: only real images pass, within limits, stored without location metadata under a random name."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from monuments.models import MonumentImage
from tests import factories as f

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:monuments_monumentimage_add")


def jpeg_with_location(size=(40, 20)):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to view"
    exif[ExifTags.Base.Make] = "FieldCam"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (40.0, 24.0, 10.0)}
    )
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG", exif=exif, comment=b"taken at the secret site")
    return buffer.getvalue()


def image_bytes(fmt, size=(8, 8), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "blue" if mode == "RGB" else 0).save(buffer, fmt)
    return buffer.getvalue()


def noisy_jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def upload(client, name, content, content_type="image/jpeg"):
    monument = f.MonumentFactory()
    return client.post(
        ADD_URL,
        {
            "monument": monument.pk,
            "image": SimpleUploadedFile(name, content, content_type),
            "alt_text": "The west front",
            "credit": "A photographer",
            "order": "0",
        },
    )


def image_errors(response):
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.errors.get("image", []))


def test_a_photo_is_stored_upright_without_location_or_camera_metadata_under_a_random_name(client, superuser):
    client.force_login(superuser)
    response = upload(client, "IMG 0001 ../../etc/passwd.jpg", jpeg_with_location())
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    stored = MonumentImage.objects.get()
    assert re.fullmatch(r"monuments/\d{4}/[0-9a-f]{32}\.jpg", stored.image.name)
    with stored.image.open("rb") as file:
        data = file.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # turned upright by its orientation before the tag was dropped
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"FieldCam" not in data and b"secret site" not in data


def test_the_format_is_detected_not_taken_from_the_name(client, superuser):
    client.force_login(superuser)
    upload(client, "photo.jpg", image_bytes("PNG"), "image/jpeg")
    assert MonumentImage.objects.get().image.name.endswith(".png")


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("notes.jpg", b"<script>alert(1)</script>" * 10, "Upload a valid image"),
        ("truncated.jpg", noisy_jpeg()[:3000], "damaged"),  # headers intact: passes verify(), fails decoding
        ("anim.gif", image_bytes("GIF"), "JPEG, PNG or WebP"),
        ("drawing.bmp", image_bytes("BMP"), "JPEG, PNG or WebP"),
    ],
)
def test_what_is_not_a_readable_jpeg_png_or_webp_is_refused_with_a_message(client, superuser, name, content, message):
    client.force_login(superuser)
    assert message in image_errors(upload(client, name, content))
    assert not MonumentImage.objects.exists()


def test_an_image_over_the_size_limit_is_refused(client, superuser, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 500
    client.force_login(superuser)
    assert "the largest accepted is 500" in image_errors(upload(client, "big.png", image_bytes("PNG", (300, 300))))
    assert not MonumentImage.objects.exists()


def test_an_image_over_the_pixel_limit_is_refused(client, superuser, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 10_000
    client.force_login(superuser)
    assert "200 × 100 pixels" in image_errors(upload(client, "wide.png", image_bytes("PNG", (200, 100))))
    assert not MonumentImage.objects.exists()


def test_webp_and_transparent_png_keep_their_format_and_alpha(client, superuser):
    client.force_login(superuser)
    upload(client, "a.webp", image_bytes("WEBP"), "image/webp")
    upload(client, "b.png", image_bytes("PNG", mode="RGBA"), "image/png")
    webp, png = MonumentImage.objects.order_by("id")
    assert webp.image.name.endswith(".webp")
    with png.image.open("rb") as file:
        assert Image.open(file).mode == "RGBA"


def test_saving_in_code_cleans_the_image_too():
    image = MonumentImage.objects.create(
        monument=f.MonumentFactory(),
        image=SimpleUploadedFile("x.jpg", jpeg_with_location()),
        alt_text="x",
        credit="y",
    )
    with image.image.open("rb") as file:
        assert b"FieldCam" not in file.read()
    # Editing the caption later does not re-encode (or rename) the stored file.
    name = image.image.name
    image.caption = "New caption"
    image.save()
    assert image.image.name == name
