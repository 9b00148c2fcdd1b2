"""Regenerate countries.json (simplified Natural Earth admin-0 outlines) from world-atlas TopoJSON.

Usage, from the repository root (npm's registry is the only network this needs):

    npm pack world-atlas@2.0.2 --pack-destination /tmp && tar xzf /tmp/world-atlas-2.0.2.tgz -C /tmp
    .venv/bin/python src/grounded_events/_package/site/make_outlines.py /tmp/package/countries-50m.json

The output is deterministic: the same TopoJSON gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pycountry

from grounded_events._core.atomic import write_text_atomic

# Path data is written in integer hundredths of a degree (x = longitude, y = -latitude), which
# is finer than the 1:50m source is accurate and keeps the file small.
UNIT = 100
SOURCE = (
    "Natural Earth 1:50m Admin 0 - Countries (public domain), via the npm package world-atlas "
    "2.0.2 (ISC licence, Copyright 2013-2019 Michael Bostock), file countries-50m.json; "
    "simplified and quantised by make_outlines.py"
)


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute longitude/latitude pairs (undoing delta quantisation)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends so arcs shared by two countries still meet."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if dist > best:
                best, index = dist, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def unwrap(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring as drawable copies: continuous in longitude, closed over a pole if it wraps.

    Natural Earth rings cross the antimeridian (Russia, Fiji) or circle a pole (Antarctica);
    drawn naively they streak across the map. Unwrapped, they run past +-180 degrees, so a
    copy shifted by 360 degrees fills the other edge.
    """
    if not ring:
        return []
    out = [ring[0]]
    for lon, lat in ring[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append((lon, lat))
    if abs(out[-1][0] - out[0][0]) > 180:  # the ring goes once around a pole
        pole = 90.0 if sum(lat for _, lat in out) > 0 else -90.0
        out += [(out[-1][0], pole), (out[0][0], pole)]
    copies = [out]
    lons = [lon for lon, _ in out]
    if max(lons) > 180:
        copies.append([(lon - 360, lat) for lon, lat in out])
    if min(lons) < -180:
        copies.append([(lon + 360, lat) for lon, lat in out])
    return copies


def ring_path(ring: list[int], arcs: list[list[tuple[float, float]]]) -> str:
    """One closed ring as relative SVG path data in integer units, or "" if it collapses."""
    lonlat: list[tuple[float, float]] = []
    for index in ring:
        lonlat += arcs[index] if index >= 0 else arcs[~index][::-1]
    paths = []
    for copy in unwrap(lonlat):
        points: list[tuple[int, int]] = []
        for lon, lat in copy:
            point = (round(lon * UNIT), round(-lat * UNIT))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3:
            return ""
        deltas = " ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in pairwise(points))
        paths.append(f"M{points[0][0]} {points[0][1]}l{deltas}z")
    return "".join(paths)


def iso3(numeric: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for Natural Earth's numeric id (None for Kosovo, N. Cyprus...)."""
    if numeric is None:
        return None
    country = pycountry.countries.get(numeric=numeric)
    return country.alpha_3 if country else None


def convert(topology: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """The outlines file: one entry per country with its ISO3 code, name and SVG path."""
    raw = decode_arcs(topology)
    arcs = [simplify(arc, tolerance) for arc in raw]
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        # A small island can collapse when simplified; it keeps its full outline instead.
        rings = [r for polygon in polygons for r in polygon]
        path = "".join(ring_path(r, arcs) or ring_path(r, raw) for r in rings)
        if path:
            countries.append(
                {
                    "iso3": iso3(geometry.get("id")),
                    "name": geometry["properties"]["name"],
                    "d": path,
                }
            )
    countries.sort(key=lambda c: (c["name"], c["iso3"] or ""))
    return {"source": SOURCE, "unit": UNIT, "countries": countries}


def main(argv: list[str] | None = None) -> int:
    """Convert the TopoJSON file named on the command line; write countries.json beside this."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("countries.json"))
    parser.add_argument(
        "--tolerance", type=float, default=0.03, help="simplification tolerance in degrees"
    )
    args = parser.parse_args(argv)
    try:
        topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{args.topojson}: cannot read TopoJSON: {exc}", file=sys.stderr)
        return 2
    data = convert(topology, args.tolerance)
    write_text_atomic(args.out, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}: {len(data['countries'])} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
