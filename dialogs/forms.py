"""Closing a form (an FSM state) without losing what belongs to the whole chat.

When a form closes: when it is finished or cancelled, on /start, /menu or /cancel, and on a menu
button that opens something else (describe a problem, my requests, the expert's queue, publish an
advisory). Otherwise the next words were taken as the form's answer: an expert's note to a farmer
submitted as an advisory, a farmer's new problem stored as the old draft's crop. A button that only
shows something or flips a setting (help, balance, statistics, language, advisories on/off) leaves
the form open: its question is still on the screen, and e.g. the on-site evidence can still be sent.

A form's state and data are its own, but the chat's FSM data also holds things no form owns: the
language an unbound user chose, the messages waiting on "which request?" (dialogs.thread) and the
problem a farmer wrote before binding (dialogs.binding). `state.clear()` wiped them whenever a form
finished, so an expert who had written to a farmer before completing another request was told the
message had expired.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext

from dialogs.form_data import ChatData

CHAT_KEYS = ChatData.__optional_keys__


async def close_form(state: FSMContext) -> None:
    """Leave whatever form is open and forget its answers; keep the chat's own keys."""
    data = await state.get_data()
    await state.set_state(None)
    await state.set_data({key: data[key] for key in CHAT_KEYS if key in data})
