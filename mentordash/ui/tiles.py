"""Headline tiles: a Tile from the metrics layer, drawn as st.metric."""

from __future__ import annotations

import streamlit as st

from mentordash.metrics.overview import Tile
from mentordash.ui.safe import plain
from mentordash.ui.tables import HIDDEN_TILE_VALUE, count, fewer_than, percent


def _value_text(tile: Tile, min_cell: int) -> str:
    if tile.suppressed:
        return HIDDEN_TILE_VALUE
    if tile.value is None:
        return "No data"
    return percent(tile.value) if tile.unit == "%" else count(tile.value)


def _delta_text(tile: Tile, min_cell: int) -> str | None:
    """The change, or for a hidden tile why it is hidden (docs/privacy.md: "fewer than 5", never the number)."""
    if tile.suppressed:
        return f"{fewer_than(min_cell)} people"
    if tile.delta is None:
        return None
    if tile.delta == 0:
        return f"no change vs {tile.compared_with}"
    change = f"{tile.delta:+.1f} pts" if tile.unit == "%" else f"{int(tile.delta):+d}"
    return f"{change} vs {tile.compared_with}"


def _help_text(tile: Tile, min_cell: int) -> str:
    if tile.suppressed:
        return f"Fewer than {min_cell} people in this group: hidden to protect privacy."
    parts = []
    if tile.n:
        parts.append(f"Out of {int(tile.n):,}.")
    if tile.note:
        parts.append(plain(tile.note))  # names survey waves: uploaded text
    return " ".join(parts) or "No data for this selection."


def show_tiles(tiles: list[Tile], min_cell: int, per_row: int = 4) -> None:
    """Tiles grouped under their section's heading, in the order given."""
    sections = list(dict.fromkeys(tile.section for tile in tiles))
    for section in sections:
        st.subheader(plain(section))  # a section may name a survey wave, which is uploaded text
        _show_row([tile for tile in tiles if tile.section == section], min_cell, per_row)


def _show_row(tiles: list[Tile], min_cell: int, per_row: int) -> None:
    for start in range(0, len(tiles), per_row):
        columns = st.columns(per_row)
        for column, tile in zip(columns, tiles[start : start + per_row]):
            neutral = tile.suppressed or tile.delta == 0
            column.metric(
                plain(tile.label),
                _value_text(tile, min_cell),
                _delta_text(tile, min_cell),
                help=_help_text(tile, min_cell),
                border=True,
                delta_color="off" if neutral else "inverse" if tile.key in ("burnout", "over_capacity") else "normal",
                delta_arrow="off" if neutral else "auto",
            )
