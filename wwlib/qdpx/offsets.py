"""Text positions: code points, and the line-end conventions other tools count in.

Our offsets are half-open code-point offsets into the exact text. REFI-QDA counts characters
too, but some tools count a CR LF pair as one character (ATLAS.ti does, as QualCoder's
importer also notes); `units_to_code_points` turns such positions into ours. When a tool gives
back one of our texts with other line ends, `line_end_map` carries positions across.
"""

from __future__ import annotations

import re

LINE_END = re.compile(r"\r\n|\r|\n")


def units_to_code_points(text: str) -> list[int]:
    """For each position counted with CR LF as one character, its code-point position.

    The list has one entry per counted position, the end of the text included.
    """
    points, i = [], 0
    while i < len(text):
        points.append(i)
        i += 2 if text.startswith("\r\n", i) else 1
    points.append(len(text))
    return points


def normal_line_ends(text: str) -> tuple[str, list[int]]:
    """The text with every line end as LF, and for each code point of `text` its new position.

    The list has len(text) + 1 entries; the LF of a CR LF pair maps onto the same place as the
    CR, so a position between the two lands before the line end.
    """
    out, positions, new, i = [], [], 0, 0
    for match in LINE_END.finditer(text):
        chunk = text[i : match.start()]
        out += [chunk, "\n"]
        positions += range(new, new + len(chunk))
        new += len(chunk)
        positions += [new] * (match.end() - match.start())
        new += 1
        i = match.end()
    out.append(text[i:])
    positions += range(new, new + len(text) - i + 1)
    return "".join(out), positions


def line_end_map(theirs: str, ours: str) -> list[int] | None:
    """Positions in `theirs` mapped to positions in `ours`, when the two texts differ in line
    ends only; the identity when they are equal; None when they differ otherwise."""
    if theirs == ours:
        return list(range(len(ours) + 1))
    their_text, their_positions = normal_line_ends(theirs)
    our_text, our_positions = normal_line_ends(ours)
    if their_text != our_text:
        return None
    back = [0] * (len(our_text) + 1)
    for position in reversed(range(len(ours) + 1)):
        back[our_positions[position]] = position  # the first code point of each normal place
    return [back[p] for p in their_positions]
