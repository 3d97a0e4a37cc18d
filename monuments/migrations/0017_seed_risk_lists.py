"""The lists of heritage at risk staff most often cite, so that a listing can name one from the start."""

from django.db import migrations

LISTS = [
    (
        "List of World Heritage in Danger",
        "unesco-world-heritage-in-danger",
        "UNESCO World Heritage Committee",
        "https://whc.unesco.org/en/danger/",
    ),
    (
        "Heritage at Risk Register",
        "historic-england-heritage-at-risk",
        "Historic England",
        "https://historicengland.org.uk/advice/heritage-at-risk/",
    ),
    (
        "7 Most Endangered",
        "europa-nostra-7-most-endangered",
        "Europa Nostra and the European Investment Bank Institute",
        "https://www.europanostra.org/our-work/campaigns/7-most-endangered/",
    ),
    ("World Monuments Watch", "world-monuments-watch", "World Monuments Fund", "https://www.wmf.org/watch"),
]


def seed(apps, schema_editor):
    RiskList = apps.get_model("monuments", "RiskList")
    for name, slug, kept_by, url in LISTS:
        RiskList.objects.get_or_create(slug=slug, defaults={"name": name, "kept_by": kept_by, "url": url})


def unseed(apps, schema_editor):
    RiskList = apps.get_model("monuments", "RiskList")
    RiskList.objects.filter(slug__in=[slug for _n, slug, _k, _u in LISTS], listings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monuments", "0016_risk_lists")]

    operations = [migrations.RunPython(seed, unseed)]
