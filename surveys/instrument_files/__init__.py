"""Instrument files (JSON or YAML): read safely, then checked, with errors a person can act on.

The shape, in JSON (YAML is the same structure):

    {"key": "wellbeing-check", "version": 1, "title": "...", "introduction": "...",
     "licence_note": "...",
     "scales": {"agree5": [{"value": 1, "label": "Strongly disagree"}, ...]},
     "items": [{"number": 1, "text": "...", "hint": "", "domain": "hope",
                "scale": "agree5", "reverse": false}, ...],
     "scoring": [{"domain": "hope", "label": "Hope", "kind": "wellbeing",
                  "higher_is_better": true, "method": "mean", "min_answered": 2},
                 {"domain": "wellbeing_total", "method": "sum", "min_answered": 7,
                  "lookup": {"7": 7.0, "8": 9.5, ...}}]}

An item's "scale" is the name of a scale above or a list of points of its own; a point's value
is a whole number from -1000 to 1000. A domain is any slug (lower-case letters, digits, "_" or
"-", up to 40 characters) that has a scoring rule. A rule's "label" is the domain's name as
shown (default: made from the slug); "kind" is "wellbeing" (how the person is doing, compared
between teams as distance travelled, the default) or "service" (how much the team helped,
compared as levels); "higher_is_better" (default true) says which way is an improvement. A
lookup table gives each raw total the domain can have exactly once, each a finite number.

`reading` turns a file into plain data and refuses what could hurt the server (not UTF-8, too
large, YAML aliases, repeated keys, deep nesting); `checking` checks that data against
everything the load would; `problems` bounds what a message may quote.
"""

from .checked import CheckedInstrument, CheckedItem, CheckedRule
from .checking import check_instrument
from .problems import InstrumentFileError
from .reading import read_instrument_file

__all__ = [
    "CheckedInstrument",
    "CheckedItem",
    "CheckedRule",
    "InstrumentFileError",
    "check_instrument",
    "read_instrument_file",
]
