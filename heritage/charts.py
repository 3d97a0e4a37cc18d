"""Charts drawn on the server as SVG, each with its data as a table beside it (``templates/partials/bar_chart.html``):
no script, no library, no other host; a screen reader reads the table, a printed page keeps the picture.

``by_period`` turns counts per year into the bars of a time axis: every year from the first to the last, empty
ones as 0 (a gap in time shows as a gap), or per decade once the span is too long for one bar per year.
"""

from django.utils.translation import gettext

MAX_BARS = 40
WIDTH, HEIGHT, LABELS = 600, 140, 18


def by_period(year_counts):
    """``year_counts``: (year, count) pairs. Returns [(label, first year, last year, count)], oldest first."""
    counts = {year: n for year, n in year_counts if year is not None}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    step = 1 if last - first < MAX_BARS else 10
    if step == 10:
        first -= first % 10
    periods = []
    for start in range(first, last + 1, step):
        end = min(start + step - 1, last) if step == 1 else start + 9
        n = sum(counts.get(year, 0) for year in range(start, end + 1))
        periods.append((str(start) if step == 1 else gettext("%(decade)ss") % {"decade": start}, start, end, n))
    return periods


def bar_chart(periods, caption):
    """What the partial draws: bars scaled to the largest count, with their labels and counts."""
    if not periods:
        return None
    peak = max(n for *_, n in periods) or 1
    slot = WIDTH / len(periods)
    bars = []
    for index, (label, start, end, n) in enumerate(periods):
        height = round((HEIGHT - LABELS) * n / peak, 1)
        bars.append(
            {
                "label": label,
                "start": start,
                "end": end,
                "count": n,
                "x": round(index * slot + slot * 0.1, 1),
                "width": round(slot * 0.8, 1),
                "y": round(HEIGHT - LABELS - height, 1),
                "height": height,
            }
        )
    return {
        "caption": caption,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - LABELS,
        "label_y": HEIGHT - 4,
        "total": sum(bar["count"] for bar in bars),
        "first": bars[0],
        "last": bars[-1],
        "peak": peak,
    }


def timeline(events, caption):
    """Dated events on a time axis, oldest left: ``events`` are (date, label, kind) with ``kind`` a CSS class
    suffix (a condition's code). Same size as the bar charts; the page's own list is its table."""
    events = sorted((e for e in events if e[0] is not None), key=lambda e: e[0])
    if not events:
        return None
    first, last = events[0][0], events[-1][0]
    span = max((last - first).days, 1)
    margin = 12
    points = [
        {
            "x": round(margin + (WIDTH - 2 * margin) * ((day - first).days / span if len(events) > 1 else 0.5), 1),
            "y": round((HEIGHT - LABELS) / 2, 1),
            "label": label,
            "kind": kind,
        }
        for day, label, kind in events
    ]
    return {
        "caption": caption,
        "points": points,
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": round((HEIGHT - LABELS) / 2, 1),
        "label_y": HEIGHT - 4,
        "first": str(first.year),
        "last": str(last.year),
    }
