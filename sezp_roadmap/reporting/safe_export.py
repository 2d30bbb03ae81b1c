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
import html
import re
from collections.abc import Iterable
from typing import IO, Any

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as a spreadsheet reads it: -3, 2.5, -0.25, 1e-3. Such a cell is a value, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# CommonMark's backslash escapes: every ASCII punctuation character that can start or end markup.
_MARKDOWN_CONTROL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~>]")


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

    Line breaks become spaces (a new line could start a block of its own); `&`, `<`
    and `>` become HTML entities; Markdown's punctuation is backslash-escaped.
    """
    text = " ".join(str(value).split())
    return _MARKDOWN_CONTROL.sub(r"\\\g<0>", html.escape(text, quote=False))
