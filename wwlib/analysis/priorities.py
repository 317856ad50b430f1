"""Thursday's priorities: how many dots each shortlisted theme's ideas received."""

from __future__ import annotations

import pandas as pd

from wwlib.analysis.week import voter_counts


def theme_priorities(
    votes: pd.DataFrame, notes: pd.DataFrame, theme_boards: pd.DataFrame
) -> pd.DataFrame:
    """Per shortlisted theme (in `theme_boards` order): dots and voters on its ideas.

    A note counts for a theme when it is on the theme's board, or when its cluster bears the
    theme's name (an ideas board clustered by theme, as Lindeveen's "oplossingen"; case and
    spaces aside). `theme_boards` is `store.theme_boards()` (board, theme, name). Columns:
    theme, name, dots (all rounds), voters (distinct participants with a dot on it; in
    anonymous rounds as `week.voter_counts` counts them), rank (1 = most dots; ties share a
    rank). Themes by dots, then shortlist order.
    """
    by_board = dict(zip(theme_boards["board"], theme_boards["theme"], strict=True))
    by_name = {_key(n): t for n, t in zip(theme_boards["name"], theme_boards["theme"], strict=True)}
    theme_of = {
        note: by_board.get(board) or by_name.get(_key(cluster))
        for note, board, cluster in zip(notes["id"], notes["board"], notes["cluster"], strict=True)
    }
    # map() of an empty Series gives float64; the theme ids stay text so that the join
    # below matches `theme_boards["theme"]` before the first vote too
    themes = votes["note"].map(theme_of).astype(object)
    counted = votes.assign(theme=themes).dropna(subset=["theme"])
    dots = pd.DataFrame(
        {"dots": counted.groupby("theme")["dots"].sum(), "voters": voter_counts(counted, "theme")}
    )
    table = theme_boards[["theme", "name"]].join(dots, on="theme")
    table[["dots", "voters"]] = table[["dots", "voters"]].fillna(0).astype(int)
    table = table.assign(_order=range(len(table))).sort_values(
        ["dots", "_order"], ascending=[False, True]
    )
    table["rank"] = table["dots"].rank(method="min", ascending=False).astype(int)
    return table[["theme", "name", "dots", "voters", "rank"]].reset_index(drop=True)


def _key(name: object) -> str:
    return " ".join(str(name).split()).casefold() if isinstance(name, str) else ""
