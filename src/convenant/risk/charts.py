"""The risks page's charts as SVG geometry for the templates: a heat map sector × theme and
a world map by country. Plain SVG, so they read on screen and in print, without scripts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib import resources
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from svgelements import Close, Move, Path

from convenant.portfolios.identifiers import country_name
from convenant.risk.models import RiskResult, SectorThemeRisk

HEAT_COLOURS = {1: "#e3f4e8", 2: "#fff1c2", 3: "#f9c78d", 4: "#a4161a"}
HEAT_INK = {1: "#1b2330", 2: "#1b2330", 3: "#1b2330", 4: "#ffffff"}
NO_HOLDINGS = "#e9ecf1"
# The world map's outlines (the pygal_maps_world package, LGPL-3.0-or-later),
# simplified once, when first used, to straight segments at half size.
MAP_SCALE = 0.5
MAP_WIDTH, MAP_HEIGHT = 1238, 694
SVG = "{http://www.w3.org/2000/svg}"


# Column labels are slanted upwards to the right; at 40° a label of n characters reaches
# about n × 7 × cos 40° px to the right of its column at 12 px (system-ui, average glyph).
LABEL_ANGLE_COS = 0.77
GLYPH_WIDTH = 7.0
COLUMN_LABEL_CHARS = 28  # the template truncates longer names


def heat_map(
    results: QuerySet[RiskResult],
    names: dict[str, str],
    sectors: dict[str, str] | None = None,
    cells: list[dict[str, Any]] | None = None,
) -> dict[str, object]:
    """Sector × theme: how many risks, coloured by the highest priority. ``sectors`` names
    the sector map's entries in the reader's language (read from the map when not given);
    ``cells`` are the counts where the caller has them already (else they are counted)."""
    if cells is None:
        cells = list(
            results.values("assessment__sector_code", "theme").annotate(
                n=Count("pk"), top=Max("rank")
            )
        )
    if sectors is None:
        sectors = {
            c.sector_code: c.sector_name
            for c in SectorThemeRisk.objects.filter(dataset__key="sector-map")
        }
    rows = sorted({c["assessment__sector_code"] for c in cells})
    columns = sorted({c["theme"] for c in cells}, key=lambda k: names.get(k, k))
    label_width, cell_w, cell_h, head = 250, 64, 30, 150
    # The last column's label runs furthest right: the drawing is wide enough for it, so
    # nothing is cut off (the page scales the drawing down where the screen is narrower).
    reach = max(
        (
            (i - len(columns) + 1) * cell_w
            + min(len(names.get(key, key)), COLUMN_LABEL_CHARS) * GLYPH_WIDTH * LABEL_ANGLE_COS
            for i, key in enumerate(columns)
        ),
        default=0,
    )
    rects = [
        {
            "x": label_width + columns.index(c["theme"]) * cell_w,
            "y": head + rows.index(c["assessment__sector_code"]) * cell_h,
            "fill": HEAT_COLOURS[c["top"]],
            "ink": HEAT_INK[c["top"]],
            "n": c["n"],
            "title": f"{sectors.get(c['assessment__sector_code'], c['assessment__sector_code'])}"
            f" · {names.get(c['theme'], c['theme'])}: {c['n']}",
        }
        for c in cells
    ]
    return {
        "rects": rects,
        "cell_w": cell_w,
        "cell_h": cell_h,
        "width": round(label_width + cell_w * len(columns) - cell_w / 2 + max(reach, cell_w) + 12),
        "height": head + cell_h * len(rows) + 10,
        "rows": [
            {"y": head + i * cell_h + cell_h * 0.65, "label": sectors.get(code, code)}
            for i, code in enumerate(rows)
        ],
        "columns": [
            {
                "x": label_width + i * cell_w + cell_w / 2,
                "y": head - 8,
                "label": names.get(key, key),
            }
            for i, key in enumerate(columns)
        ],
    }


def _rings(d: str) -> list[list[tuple[int, int]]]:
    """A path's rings as integer points at MAP_SCALE (curves become straight segments: at
    this size the difference is below a pixel)."""
    rings: list[list[tuple[int, int]]] = []
    for segment in Path(d):
        if isinstance(segment, Close) or segment.end is None:
            continue
        point = (round(segment.end.x * MAP_SCALE), round(segment.end.y * MAP_SCALE))
        if isinstance(segment, Move) or not rings:
            rings.append([point])
        elif point != rings[-1][-1]:
            rings[-1].append(point)
    return rings


def _path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Rings as compact path data: an absolute start, then relative steps."""
    out = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        out.append(f"M{ring[0][0]} {ring[0][1]}l{' '.join(steps)}z")
    return "".join(out).replace(" -", "-")


def _dot(rings: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """A 2×2 square around the middle of a country too small to draw at this size."""
    points = [p for r in rings for p in r]
    x = round(sum(p[0] for p in points) / len(points))
    y = round(sum(p[1] for p in points) / len(points))
    return [(x - 1, y - 1), (x + 1, y - 1), (x + 1, y + 1), (x - 1, y + 1)]


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, str]:
    """ISO 3166 alpha-2 → SVG path data, read once per process."""
    text = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text()
    outlines = {}
    for group in ET.fromstring(text).iter(f"{SVG}g"):  # noqa: S314 - a packaged file, not input
        classes = (group.get("class") or "").split()
        if "country" in classes:
            rings = [r for p in group.iter(f"{SVG}path") for r in _rings(p.get("d") or "")]
            # Islands smaller than a point at this size are dropped, never a whole country:
            # a country that small (Vatican City, Monaco, Malta…) becomes a small square
            # around its points, so it stays visible and its path data stays valid.
            kept = [r for r in rings if len(set(r)) >= 3] or [_dot(rings)]
            outlines[classes[0].upper()] = _path_data(kept)
    return outlines


def world_map(
    results: QuerySet[RiskResult], rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Countries where the companies operate, coloured by the highest priority of their
    risks, with the counts in the title (and in a table beside it, for screen readers).
    ``rows`` are the counts per country where the caller has them already."""
    if rows is None:
        rows = list(
            results.values("assessment__country").annotate(
                n=Count("pk"),
                severe=Count("pk", filter=Q(rank__gte=3)),
                companies=Count("issuer", distinct=True),
                top=Max("rank"),
            )
        )
    by_country = {row["assessment__country"]: row for row in rows}
    outlines = country_outlines()
    countries = []
    for code, d in outlines.items():
        row = by_country.get(code)
        countries.append(
            {
                "code": code,
                "d": d,
                "fill": HEAT_COLOURS[row["top"]] if row else NO_HOLDINGS,
                "title": country_name(code),
                "row": row,
            }
        )
    listed = sorted(
        (
            {
                "code": code,
                "name": country_name(code) or code,
                "drawn": code in outlines,
                **row,
            }
            for code, row in by_country.items()
            if code
        ),
        key=lambda r: (-r["top"], -r["severe"], r["name"]),
    )
    return {
        "countries": countries,
        "listed": listed,
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
    }
