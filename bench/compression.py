"""Bytes each kind of text response sends raw, with gzip and with brotli, and what compressing it costs.

    createdb -h 127.0.0.1 -U postgres heritage_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heritage_bench .venv/bin/python bench/compression.py

Builds the sample data at a small size (``--monuments``, ``--meetings``; ``--reuse`` keeps what is there), asks
each URL through every middleware with Django's test client three ways (no ``Accept-Encoding``, ``gzip``,
``br``) and counts the body bytes sent, then times ``heritage.compression`` on the raw body alone (median of
``--repeat``). Prints a Markdown table (bench/README.md, "Compression", holds one) and, for the monument list,
brotli's size and time at other qualities, which is how ``BROTLI_QUALITY`` was chosen.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")  # every request draws and compresses its response


def urls(terms):
    return [
        ("home", "/"),
        ("monument list", "/monuments/"),
        ("monument detail", f"/monuments/{terms['monument']}/"),
        ("meeting list", "/meetings/"),
        ("meeting detail", f"/meetings/{terms['meeting']}/"),
        ("map data, whole world", "/monuments/map/data.json?bbox=-180,-90,180,90&zoom=2"),
        ("map data, zoom 6", "/monuments/map/data.json?bbox=40,30,50,45&zoom=6"),
        ("meetings feed", "/feeds/meetings/"),
        ("sitemap, monuments", "/sitemap-monuments.xml"),
        ("monuments CSV", "/monuments/export.csv"),
        ("monuments JSON", "/monuments/export.json"),
        ("monuments GeoJSON", "/monuments/export.geojson"),
        ("meetings CSV", "/meetings/export.csv"),
    ]


def pieces(response):
    """What the response sends, as the pieces it sends (one for a response that is not streamed)."""
    return list(response.streaming_content) if response.streaming else [response.content]


def compress(encoding, pieces):
    """As the middleware compresses: a stream piece by piece with a flush after each, a body at once."""
    from heritage import compression

    if len(pieces) > 1:
        return b"".join(compression.compress_stream(encoding, pieces))
    return compression.compress(encoding, pieces[0])


def timed(function, repeat):
    """Median CPU milliseconds of ``function()`` (CPU, not the wall clock: the machine is shared)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def measure(repeat):
    from django.test import Client

    from bench.run import sample_terms

    client = Client()
    rows = []
    for label, url in urls(sample_terms()):
        sizes, raw = {}, None
        for encoding in ("", "gzip", "br"):
            response = client.get(url, headers={"accept-encoding": encoding} if encoding else {})
            assert response.status_code == 200, (url, response.status_code)
            assert response.get("Content-Encoding", "") == encoding, (url, encoding)
            sent = pieces(response)
            raw = sent if not encoding else raw
            sizes[encoding or "raw"] = sum(map(len, sent))
        ms = {encoding: timed(lambda e=encoding, r=raw: compress(e, r), repeat) for encoding in ("gzip", "br")}
        rows.append({"label": label, "url": url, **sizes, "gzip_ms": ms["gzip"], "br_ms": ms["br"]})
    return rows


def brotli_qualities(repeat):
    import brotli
    from django.test import Client

    raw = Client().get("/monuments/").content
    rows = [("gzip -6", len(compress("gzip", [raw])), timed(lambda: compress("gzip", [raw]), repeat))]
    for quality in (1, 3, 4, 5, 6, 7, 9, 11):
        size = len(brotli.compress(raw, quality=quality))
        rows.append((f"br {quality}", size, timed(lambda q=quality: brotli.compress(raw, quality=q), repeat)))
    return len(raw), rows


def table(rows):
    lines = [
        "| response | raw bytes | gzip | br | gzip CPU ms | br CPU ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        raw = row["raw"]
        lines.append(
            f"| {row['label']} | {raw:,} | {row['gzip']:,} ({row['gzip'] / raw:.0%}) | {row['br']:,} "
            f"({row['br'] / raw:.0%}) | {row['gzip_ms']:.2f} | {row['br_ms']:.2f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--monuments", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="Measure the data already there.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.reuse:
        call_command("generate_sample", delete=True, verbosity=0)
        call_command("generate_sample", monuments=args.monuments, meetings=args.meetings, verbosity=0)
    print(table(measure(args.repeat)))
    raw, rows = brotli_qualities(args.repeat)
    print(f"\nThe monument list page ({raw:,} bytes raw):\n")
    print("| coding | bytes | CPU ms |\n| --- | ---: | ---: |")
    for name, size, ms in rows:
        print(f"| {name} | {size:,} ({size / raw:.0%}) | {ms:.2f} |")


if __name__ == "__main__":
    main()
