import math
import re

import pytest

from medinfra.dashboard.choropleth import (
    _rings,
    class_limits,
    compact_path,
    map_attribution,
    map_file,
    shapes,
)


def test_the_map_of_ukraine_has_a_shape_for_every_region(ua):
    from medinfra.geography.models import Region

    view_box, found = shapes("UA")
    ids = {s.svg_id for s in found}

    assert view_box == "0 0 1000 670"
    assert set(Region.objects.filter(country__code="UA").values_list("svg_id", flat=True)) <= ids


def test_a_country_without_a_map_has_no_shapes():
    assert map_file("ZZ") is None
    assert shapes("ZZ") == ("", ())


def test_the_attribution_is_read_from_the_map_notes():
    assert map_attribution("UA") == "Map of Ukraine by MapSVG (mapsvg.com), CC BY 4.0, via svg-maps"


def _distance_to_outline(point, outline):
    best = math.inf
    for (ax, ay), (bx, by) in zip(outline, outline[1:] + outline[:1], strict=True):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        along = (point[0] - ax) * dx + (point[1] - ay) * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, along / length))
        best = min(best, math.hypot(point[0] - ax - t * dx, point[1] - ay - t * dy))
    return best


def test_compact_paths_keep_every_original_point_within_about_a_pixel():
    tags = re.findall(r"<path\b[^>]*>", map_file("UA").read_text(encoding="utf-8"))
    kharkiv = next(t for t in tags if 'id="kharkiv"' in t)
    path = re.search(r'\sd="([^"]+)"', kharkiv).group(1)

    compact = compact_path(path)

    assert len(compact) < len(path) / 4
    before, after = _rings(path), _rings(compact)
    assert len(after) == len(before)
    for ring_before, ring_after in zip(before, after, strict=True):
        worst = max(_distance_to_outline(p, ring_after) for p in ring_before)
        assert worst < 1.5


def test_relative_and_absolute_commands_give_the_same_rings():
    assert _rings("M10 10l5 0 0 5z") == _rings("M10 10L15 10L15 15Z")
    assert _rings("M0 0l1 0 0 1zm10 10l1 0 0 1z")[1][0] == (10.0, 10.0)


@pytest.mark.parametrize(
    ("largest", "limits"), [(0, []), (3, [1, 2, 3]), (420, [105, 210, 315, 420]), (7, [2, 4, 6, 7])]
)
def test_shade_classes_reach_the_largest_value(largest, limits):
    assert class_limits(largest) == limits
