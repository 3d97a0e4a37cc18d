"""Who met whom among a filtered set of meetings, as a network drawn on the server (``partials/network.html``):
the people or organizations present at most of those meetings as nodes, the meetings two of them shared as edges,
with the pairs as a table beside it. No script, no library, no other host, as for ``heritage.charts``.

Bounded however large the register: at most ``MEETING_CAP`` meetings (the newest of the filtered ones), their
``NODE_LIMIT`` most present records and the pairs among those only, in a fixed number of grouped queries
(``ParticipantQuerySet.most_present`` and ``pairs_among``). Nodes lie on a circle, most meetings first from the
top, clockwise: the same meetings always give the same picture.
"""

import math

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, ngettext

from heritage.listing import CappedPaginator
from heritage.names import reader_name
from meetings.models import Participant

NODE_LIMIT = 40
MEETING_CAP = 5000
# How far the filtered meetings are counted, as the list counts them.
COUNT_CAP = CappedPaginator.cap
SIZE = 760
RADIUS = 210
NODE_MIN, NODE_MAX = 4, 16
EDGE_MIN, EDGE_MAX = 1, 7
LABEL_CHARS = 22
FIELDS = ("person", "organization")


def short(text, limit=LABEL_CHARS):
    """(the beginning of ``text`` shown, whether it was cut): the cut is marked apart, so that what is shown stays
    part of the link's accessible name."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    # At a word's end where there is one: a word cut in two is not part of the name as a reader hears it.
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-–"), True


def meeting_network(meetings, field):
    """What the partial draws for ``meetings`` (a queryset of published meetings) by ``field``, "person" or
    "organization": the counts, the nodes with their places, the edges with their widths, the pairs."""
    found = meetings.order_by().values("pk")[: COUNT_CAP + 1].count()
    capped = found > MEETING_CAP
    if capped:
        drawn = meetings.order_by("-date", "-pk").values("pk")[:MEETING_CAP]
    else:
        drawn = meetings.order_by().values("pk")
    top = Participant.objects.most_present(field, drawn, NODE_LIMIT) if found else []
    model = Participant._meta.get_field(field).related_model
    records = model.objects.in_bulk([pk for pk, _n in top]) if top else {}
    pairs = Participant.objects.pairs_among(field, drawn, list(records)) if len(records) > 1 else []

    centre = SIZE / 2
    peak = max((n for _pk, n in top), default=1)
    nodes, by_pk = [], {}
    for index, (pk, n) in enumerate(top):
        record = records[pk]
        angle = -math.pi / 2 + 2 * math.pi * index / len(top)
        cos, sin = math.cos(angle), math.sin(angle)
        size = round(NODE_MIN + (NODE_MAX - NODE_MIN) * math.sqrt(n / peak), 1)
        name = reader_name(record)
        left = cos < -1e-9
        label_distance = RADIUS + size + 6
        node = {
            "record": record,
            "rank": index,
            "name": name,
            "label": short(name)[0],
            "cut": short(name)[1],
            "count": n,
            "x": round(centre + RADIUS * cos, 1),
            "y": round(centre + RADIUS * sin, 1),
            "r": size,
            "label_x": round(centre + label_distance * cos, 1),
            "label_y": round(centre + label_distance * sin, 1),
            # Labels run outward along their radius, upright on the left half.
            "rotate": round(math.degrees(angle) + (180 if left else 0), 1),
            "anchor": "end" if left else "start",
            "description": ngettext("%(name)s: %(n)s meeting", "%(name)s: %(n)s meetings", n)
            % {"name": name, "n": intcomma(n)},
        }
        nodes.append(node)
        by_pk[pk] = node

    edge_peak = max((n for *_pks, n in pairs), default=1)
    edges = []
    for a, b, n in pairs:
        # The more present of the two first, as the nodes are ordered.
        first, second = sorted((by_pk[a], by_pk[b]), key=lambda node: node["rank"])
        edges.append(
            {
                "first": first,
                "second": second,
                "count": n,
                "width": round(EDGE_MIN + (EDGE_MAX - EDGE_MIN) * n / edge_peak, 1),
                "title": ngettext(
                    "%(first)s and %(second)s: %(n)s meeting together",
                    "%(first)s and %(second)s: %(n)s meetings together",
                    n,
                )
                % {"first": first["name"], "second": second["name"], "n": intcomma(n)},
            }
        )
    edges.sort(key=lambda edge: (-edge["count"], edge["first"]["rank"], edge["second"]["rank"]))
    # Drawn thinnest first, so that the strongest ties lie on top.
    drawn_edges = sorted(edges, key=lambda edge: edge["count"])
    return {
        "field": field,
        "found": min(found, COUNT_CAP),
        "found_capped": found > COUNT_CAP,
        "capped": capped,
        "drawn": min(found, MEETING_CAP),
        "nodes": nodes,
        "edges": edges,
        "drawn_edges": drawn_edges,
        "size": SIZE,
        "caption": gettext("Who met whom: people") if field == "person" else gettext("Who met whom: organizations"),
    }
