"""Which library serves the JSON API fastest: one page of 100 monuments (the rows the API's query gives) turned
into a response by plain Django, Django REST framework 3.18 and django-ninja 1.7, through each one's own request
handling, without a database (the query is the same for all three). Not run by the tests or CI:

    PYTHONPATH=/path/to/libs .venv/bin/python bench/api_libraries.py

where /path/to/libs holds djangorestframework==3.18.3, django-ninja==1.7.1 and pydantic (``pip install --target``),
so the project's environment need not carry the two libraries it does not use. Results: bench/RESULTS.md.
"""

import datetime
import json
import statistics
import time

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "ninja"],
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "UNAUTHENTICATED_USER": None,
    },
    MIDDLEWARE=[],
)
django.setup()

from django.http import JsonResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

ROWS = [
    {
        "slug": f"monument-{i}",
        "name": f"Monument {i}",
        "alternative_names": ["Other name"],
        "type": "mosque",
        "place": "shusha",
        "country": "AZ",
        "latitude": 39.758 + i / 1e4,
        "longitude": 46.748,
        "coordinates_approximate": False,
        "built_from_year": 1768,
        "built_to_year": None,
        "current_condition": "damaged",
        "updated_at": datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC),
        "sources": [1, 2],
    }
    for i in range(100)
]


def plain(request):
    return JsonResponse({"results": ROWS, "next": None})


class MonumentSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    alternative_names = serializers.ListField(child=serializers.CharField())
    type = serializers.CharField()
    place = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    coordinates_approximate = serializers.BooleanField()
    built_from_year = serializers.IntegerField(allow_null=True)
    built_to_year = serializers.IntegerField(allow_null=True)
    current_condition = serializers.CharField()
    updated_at = serializers.DateTimeField()
    sources = serializers.ListField(child=serializers.IntegerField())


class DrfList(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"results": MonumentSerializer(ROWS, many=True).data, "next": None})


class MonumentOut(Schema):
    slug: str
    name: str
    alternative_names: list[str]
    type: str
    place: str | None
    country: str
    latitude: float | None
    longitude: float | None
    coordinates_approximate: bool
    built_from_year: int | None
    built_to_year: int | None
    current_condition: str
    updated_at: datetime.datetime
    sources: list[int]


class PageOut(Schema):
    results: list[MonumentOut]
    next: str | None


ninja_api = NinjaAPI(urls_namespace="bench")


@ninja_api.get("/monuments", response=PageOut)
def ninja_list(request):
    return {"results": ROWS, "next": None}


urlpatterns = [path("plain", plain), path("drf", DrfList.as_view()), path("ninja/", ninja_api.urls)]


def measure(view, request, rounds=300):
    for _ in range(20):
        view(request)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = view(request)
        if hasattr(response, "render"):
            response.render()
        body = response.content
        times.append(time.perf_counter() - start)
    assert len(json.loads(body)["results"]) == 100
    return statistics.median(times) * 1000


def main():
    from django.urls import resolve

    factory = RequestFactory()
    for name, url in [("plain Django", "/plain"), ("DRF 3.18.3", "/drf"), ("django-ninja 1.7.1", "/ninja/monuments")]:
        match = resolve(url)
        request = factory.get(url)
        print(
            f"{name:20} {measure(lambda r, m=match: m.func(r, *m.args, **m.kwargs), request):6.2f} ms per page of 100"
        )


if __name__ == "__main__":
    main()
