"""The one way inline keyboards are built (render.keyboards): rows as given, nothing empty sent."""

from __future__ import annotations

from render.callbacks import QueuePageCb
from render.keyboards import button, column, keyboard


def test_an_empty_row_is_left_out_and_the_others_keep_their_layout() -> None:
    back, prev, nxt = (button(label, QueuePageCb(page=n)) for n, label in enumerate(("back", "prev", "next")))
    # The first page of a list has no "previous": its navigation row may be empty.
    markup = keyboard([prev, nxt], [], [back])
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["prev", "next"], ["back"]]
    assert markup.inline_keyboard[0][1].callback_data == "qp:2"


def test_a_column_is_one_button_a_row() -> None:
    markup = column(button(str(n), QueuePageCb(page=n)) for n in range(3))
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["0"], ["1"], ["2"]]
