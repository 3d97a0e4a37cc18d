"""Helpers for the public-site tests: read any response (streamed or not) and the garbage parameters to try."""

import csv
import io
import json

# The garbage cases, verbatim, plus markup and control characters that must never be echoed raw.
GARBAGE = [
    "date_from=2022-13-45",
    "page=abc",
    "page=99999",
    "country=ZZ",
    "type=nope",
    "q=" + "x" * 10240,
    "q=a%00b%1b%07c%0d%0a",
    "q=%3Cscript%3Ealert(1)%3C/script%3E",
    "person=%3Cb%3Ex",
    "built_after=99999999999999999999",
    "built_before=1e999",
    "sort=DROP",
    "condition=%00",
    "place=no-such-place",
    "significance=galactic",
    "registered=maybe",
    "date_to=yesterday",
    "topic=%00",
    "event=nope",
    "organization=nope",
]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))


def json_results(response):
    return json.loads(body(response))["results"]


def assert_no_raw_echo(text):
    assert "<script>alert(1)" not in text
    assert "<b>x" not in text
    assert "\x00" not in text
