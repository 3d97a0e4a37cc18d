"""Monument images: only real images pass, within limits, stored without location metadata under a random name."""

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, ImageFile
from reversion.models import Version

from heritage.uploads import rendition_name
from monuments.models import MonumentImage
from tests import factories as f

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:monuments_monumentimage_add")
DATA = Path(__file__).resolve().parent.parent / "data"
DISPLAY_P3 = (DATA / "DisplayP3-v4.icc").read_bytes()
GREY = (DATA / "sGrey-v4.icc").read_bytes()
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


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


def photo(fmt="JPEG", size=(2000, 1000), mode="RGB", icc_profile=None, exif=None):
    """A picture with detail (so that sizes and colours can be told apart), optionally with a profile and EXIF."""
    image = (
        Image.linear_gradient("L").resize(size).convert(mode)
        if mode != "RGB"
        else Image.merge(
            "RGB",
            [
                Image.linear_gradient("L").resize(size),
                Image.radial_gradient("L").resize(size),
                Image.new("L", size, 90),
            ],
        )
    )
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if exif is not None:
        options["exif"] = exif
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def stored(name):
    with default_storage.open(name, "rb") as file:
        data = file.read()
    return data, Image.open(io.BytesIO(data))


def add_image(content, name="photo.jpg"):
    return MonumentImage.objects.create(
        monument=f.MonumentFactory(name="Juma Mosque"),
        image=SimpleUploadedFile(name, content),
        alt_text="The west front",
        credit="A photographer",
    )


@pytest.mark.parametrize(
    "fmt,mode,profile",
    [("JPEG", "RGB", DISPLAY_P3), ("PNG", "RGB", DISPLAY_P3), ("WEBP", "RGB", SRGB), ("JPEG", "L", GREY)],
)
def test_the_colour_profile_survives_in_the_image_and_each_rendition(client, superuser, fmt, mode, profile):
    client.force_login(superuser)
    response = upload(client, f"wide-gamut.{fmt.lower()}", photo(fmt, mode=mode, icc_profile=profile))
    assert response.status_code == 302
    image = MonumentImage.objects.get()
    names = [image.image.name] + [rendition_name(image.image.name, width) for width in (480, 960, 1600)]
    for name in names:
        data, picture = stored(name)
        assert picture.info.get("icc_profile") == profile, name
        assert picture.format == fmt and picture.mode == mode


def test_a_profile_that_does_not_describe_the_pixels_is_dropped():
    # A grey profile on colour pixels (or a CMYK one on what is stored as RGB) would show wrong colours.
    image = add_image(photo("JPEG", icc_profile=GREY))
    assert "icc_profile" not in stored(image.image.name)[1].info


def test_renditions_480_960_and_1600_wide_are_stored_beside_the_original():
    image = add_image(photo(size=(2000, 1000)))
    assert (image.width, image.height) == (2000, 1000)
    stem = image.image.name.removesuffix(".jpg")
    for width in (480, 960, 1600):
        data, picture = stored(f"{stem}-{width}w.jpg")
        assert picture.size == (width, width // 2)
        assert picture.format == "JPEG" and not picture.getexif()
    # Never wider than the original: a 700-pixel photo gets only the 480 one, a small one none.
    medium = add_image(photo(size=(700, 300)))
    assert default_storage.exists(rendition_name(medium.image.name, 480))
    assert not default_storage.exists(rendition_name(medium.image.name, 960))
    assert medium.srcset.endswith(f"{medium.image.url} 700w")
    small = add_image(photo(size=(300, 200)))
    assert not default_storage.exists(rendition_name(small.image.name, 480)) and small.srcset == ""


def test_renditions_carry_no_location_or_camera_metadata_either():
    image = add_image(jpeg_with_location(size=(2000, 1200)))
    for width in (480, 960):
        data, picture = stored(rendition_name(image.image.name, width))
        assert picture.size == (width, round(width * 2000 / 1200))  # upright, like the original
        assert not picture.getexif() and b"FieldCam" not in data and b"secret site" not in data


def test_an_upload_through_the_admin_is_decoded_once(client, superuser, monkeypatch):
    decodes = []
    original = ImageFile.ImageFile.load

    def counting_load(self):
        if self.tile:  # pixels still to decode (a second load() of a decoded image decodes nothing)
            decodes.append(self.format)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    client.force_login(superuser)
    assert upload(client, "photo.jpg", photo(size=(2000, 1000))).status_code == 302
    assert decodes == ["JPEG"]
    assert default_storage.exists(rendition_name(MonumentImage.objects.get().image.name, 1600))


def test_the_monument_page_offers_the_renditions_with_srcset_sizes_and_the_size(client):
    image = add_image(photo(size=(1200, 800)))
    html = client.get(image.monument.get_absolute_url()).content.decode()
    [tag] = re.findall(r"<img [^>]*>", html)
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
    url = image.image.url
    stem = url.removesuffix(".jpg")
    assert attributes["src"] == f"{stem}-480w.jpg"
    assert attributes["srcset"] == f"{stem}-480w.jpg 480w, {stem}-960w.jpg 960w, {url} 1200w"
    assert attributes["sizes"] == "(max-width: 22rem) calc(100vw - 2rem), 20rem"
    assert (attributes["width"], attributes["height"]) == ("1200", "800")
    assert attributes["alt"] == "The west front" and attributes["loading"] == "lazy"


def test_deleting_an_image_removes_its_renditions_and_recovering_it_makes_them_again(
    client, superuser, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    assert upload(client, "photo.jpg", photo(size=(1000, 500))).status_code == 302
    image = MonumentImage.objects.get()
    name, renditions = image.image.name, [rendition_name(image.image.name, w) for w in (480, 960)]
    assert all(default_storage.exists(r) for r in renditions)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:monuments_monumentimage_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 302 and not MonumentImage.objects.exists()
    assert not any(default_storage.exists(r) for r in renditions)
    # The original is kept, as before, so that "Recover deleted" can bring the image back: with its renditions.
    assert default_storage.exists(name)
    Version.objects.get_deleted(MonumentImage).first().revert()
    recovered = MonumentImage.objects.get()
    assert recovered.image.name == name and (recovered.width, recovered.height) == (1000, 500)
    assert all(default_storage.exists(r) for r in renditions)


def test_deleting_a_monument_removes_its_images_renditions(django_capture_on_commit_callbacks):
    image = add_image(photo(size=(1000, 500)))
    assert default_storage.exists(rendition_name(image.image.name, 480))
    with django_capture_on_commit_callbacks(execute=True):
        image.monument.delete()
    assert not default_storage.exists(rendition_name(image.image.name, 480))


def test_replacing_the_file_replaces_the_renditions(client, superuser, django_capture_on_commit_callbacks):
    image = add_image(photo(size=(1000, 500)))
    old = rendition_name(image.image.name, 960)
    with django_capture_on_commit_callbacks(execute=True):
        image.image = SimpleUploadedFile("new.png", photo("PNG", size=(600, 400)))
        image.save()
    assert not default_storage.exists(old) and not default_storage.exists(rendition_name(image.image.name, 960))
    assert default_storage.exists(rendition_name(image.image.name, 480)) and (image.width, image.height) == (600, 400)


def test_images_stored_before_renditions_get_their_size_and_renditions_on_migrating():
    from importlib import import_module

    image = add_image(photo(size=(1000, 500)))
    for width in (480, 960):
        default_storage.delete(rendition_name(image.image.name, width))
    MonumentImage.objects.update(width=None, height=None)
    migration = import_module("monuments.migrations.0010_image_size_and_renditions")
    migration.size_and_renditions(apps, SimpleNamespace(connection=SimpleNamespace(alias="default")))
    image.refresh_from_db()
    assert (image.width, image.height) == (1000, 500)
    assert all(default_storage.exists(rendition_name(image.image.name, w)) for w in (480, 960))
