"""The world map's outlines: every country's path data is valid SVG, the smallest included."""

import re

from convenant.risk.charts import country_outlines

# One ring: an absolute start, at least one relative step, closed.
RING = r"M-?\d+ -?\d+l-?\d+[ -]?-?\d+(?:[ -]-?\d+[ -]?-?\d+)*z"


def test_every_outline_is_valid_path_data() -> None:
    outlines = country_outlines()
    broken = [code for code, d in outlines.items() if not re.fullmatch(f"(?:{RING})+", d)]
    assert broken == []


def test_countries_smaller_than_a_point_are_drawn_as_a_small_square() -> None:
    outlines = country_outlines()
    # Vatican City lies inside Rome: a 2×2 square, not an empty "l" the browser rejects.
    assert outlines["VA"] == "M646 161l2 0 0 2-2 0z"
    for code in ("SM", "MC", "MT", "SG", "LI"):
        assert outlines[code].count("M") == 1 and "l2 0 0 2-2 0z" in outlines[code]
