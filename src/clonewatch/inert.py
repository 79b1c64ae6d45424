"""Strings from the outside world (page titles, URLs, registrar fields, posts) made inert for display.

A terminal runs the escape sequences in a string (clear the screen, set the title, move the cursor
and overwrite a line), bidirectional overrides make text read in another order than it is stored,
and a spreadsheet runs a cell that starts like a formula. ``inert`` shows every such character as
a visible escape (``\\x1b``, ``\\u202e``); ``spreadsheet_cell`` also neutralises formulas. Every
text or CSV output goes through them; HTML output escapes with its template engine on top.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; bidirectional marks, embeddings, overrides and isolates; line and
# paragraph separators, which some terminals and editors treat as line breaks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same characters in UTF-8, to test a whole buffer of cells at once.
_UNSAFE_UTF8 = re.compile(
    rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)
# Every byte that begins one of those characters in UTF-8: data holding none of them is safe, which
# one pass of bytes.translate tells about twenty times faster than the expression's search.
_LEAD_BYTES = frozenset([*range(0x20), 0x7F, 0xC2, 0xD8, 0xE2])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _LEAD_BYTES)
FORMULA_START = ("=", "+", "-", "@")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` with every control, bidirectional and separator character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def spreadsheet_cell(text: str) -> str:
    """An inert cell that a spreadsheet shows as text, never runs as a formula."""
    text = inert(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def has_unsafe(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a character ``inert`` would escape."""
    if not data.translate(None, _OTHER_BYTES):
        return False
    return _UNSAFE_UTF8.search(data) is not None
