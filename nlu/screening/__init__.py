"""Term screening (Art. 11(3)): find banned and sensitive terms in what users send, evasions included.

screener = Screener.builtin()            # or Screener(read_lists([...], [...]))
result = screener.check("…")             # verdict + hits mapped to the original text
explain(result, "zh_CN")                 # the note for the sender, if any
"""

from nlu.screening.explain import explain
from nlu.screening.lists import TermLists, builtin_lists, read_lists
from nlu.screening.model import Action, Hit, ScreeningResult, Term, Verdict
from nlu.screening.reloading import ReloadableScreener
from nlu.screening.screener import Screener, ScreenerOptions

__all__ = [
    "Action",
    "Hit",
    "ReloadableScreener",
    "Screener",
    "ScreenerOptions",
    "ScreeningResult",
    "Term",
    "TermLists",
    "Verdict",
    "builtin_lists",
    "explain",
    "read_lists",
]
