"""Characters no person types on purpose, refused in every text Lustro stores.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) can reverse the
sentences a label or comment is printed in; NUL and other C0/C1 controls break files
and exports. Tabs and line breaks stay allowed where a text may have several lines.
"""

from __future__ import annotations

import re

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI}]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unsafe_characters(text: str | None) -> bool:
    """True when the text holds a bidi control, NUL or another control character."""
    return text is not None and _UNSAFE.search(text) is not None


def csv_cell(value: object) -> object:
    """A value safe to put in a CSV that a spreadsheet will open: a text that starts like
    a formula gets a leading apostrophe, so it is shown, never run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
