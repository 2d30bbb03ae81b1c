"""Exports that are data, not code: every CSV and Markdown file the product writes goes through here.

A value from an extract (a school name, a survey topic, an SQR domain) can hold
anything. In a CSV, a text cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is a formula to Excel and Google Sheets (CSV injection): it gets
a leading single quote, as OWASP recommends, and plain numbers (negative ones
too) stay numbers. In Markdown, `<img onerror=...>` is live HTML and `[x](...)`
a link: such values are escaped so a viewer shows them as the text they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as a spreadsheet reads it: -3, 2.5, -0.25, 1e-3. Such a cell is a value, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Markdown's inline markup anywhere in a line: escapes, code, emphasis, links and images
# (a bracket escaped, no "[text](url)" is a link), table cells, strikethrough.
_INLINE_CONTROL = re.compile(r"[\\`*_\[\]|~]")
# What makes a line's content a block of its own: a heading, a list item, a setext underline.
_BLOCK_START = re.compile(r"[#+\-=]|\d+[.)]")
# An HTML entity (&lt; &#60;): its & is escaped so the text reads as written.
_ENTITY = re.compile(r"&(?=#?\w+;)")


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet will not run: text that starts a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out: IO[str], **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: IO[str], **options) -> SafeWriter:
    """A csv.writer (same options) for any CSV the product writes for people to open."""
    return SafeWriter(out, **options)


def markdown_text(value: Any) -> str:
    """A value from an extract as plain Markdown text: no HTML, no link, no heading, list or emphasis.

    Line breaks become spaces (a new line could start a block of its own); `<`, `>`
    and the `&` of an entity become HTML entities; inline markup characters are
    backslash-escaped everywhere, and a heading or list marker at the start (the
    value may begin a list item's text). Other punctuation stays as it is, so
    'Out-of-school suspension (ISS)' reads the same in the raw file.
    """
    text = " ".join(str(value).split())
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_CONTROL.sub(r"\\\g<0>", text)
    start = _BLOCK_START.match(text)
    if start:
        text = text[: start.end() - 1] + "\\" + text[start.end() - 1 :]
    return text
