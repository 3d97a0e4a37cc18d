"""The site's icon, a white column on the accent blue, drawn from one list of shapes as SVG and as ICO.

``python -m sitewide.favicon`` writes ``static/favicon.svg`` and ``static/favicon.ico`` (16, 32 and 48 pixels,
each drawn at its own size on the same 16-unit grid, so every edge falls on a pixel). The files are committed;
a test checks that they are what this module draws. Pages declare both (templates/base.html); browsers that
ask for ``/favicon.ico`` without reading the page get the ICO from ``sitewide.views.favicon``.
"""

import io
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
GRID = 16
ACCENT = "#0b5394"  # --accent in static/css/site.css
WHITE = "#ffffff"
CORNER = 3
# (x, y, width, height, colour) on the 16-unit grid, drawn in order over the rounded square.
SHAPES = [
    (3, 2, 10, 2, WHITE),  # the capital
    (5, 4, 6, 8, WHITE),  # the shaft
    (6, 5, 1, 6, ACCENT),  # its flutes
    (9, 5, 1, 6, ACCENT),
    (3, 12, 10, 2, WHITE),  # the base
]
ICO_SIZES = (16, 32, 48)


def svg():
    rects = "".join(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"/>' for x, y, w, h, c in SHAPES)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{ACCENT}"/>{rects}</svg>\n'
    )


def raster(size):
    """The icon drawn at ``size`` × ``size`` pixels (a multiple of the grid)."""
    scale = size // GRID
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=CORNER * scale, fill=ACCENT)
    for x, y, w, h, colour in SHAPES:
        draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1), fill=colour)
    return image


def ico():
    images = [raster(size) for size in ICO_SIZES]
    buffer = io.BytesIO()
    # Each size as drawn, not scaled down from the largest.
    images[-1].save(buffer, "ICO", sizes=[image.size for image in images], append_images=images[:-1])
    return buffer.getvalue()


if __name__ == "__main__":
    (STATIC / "favicon.svg").write_text(svg())
    (STATIC / "favicon.ico").write_bytes(ico())
