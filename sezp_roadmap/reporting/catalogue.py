"""The wording of the family summaries, one YAML catalogue per language (reports/catalogue/<code>.yaml).

A language is a file, not code: every catalogue in the folder is a language
the family summaries are written in. English (`en.yaml`) is the reference:
every other catalogue must have exactly its keys, and each text the same
placeholders (`{value}`, `{school}`, ...), so that no page can come out with
a sentence missing or a number left out. A catalogue that breaks this stops
the run with the file and the key named, before anything is written.

Numbers and dates are written the language's way from the catalogue's
`number` and `date` entries (CLDR's conventions: "33.8%" in English,
"33,8 %" in Spanish, with a no-break space).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.paths import PROJECT_ROOT

CATALOGUE_DIR = PROJECT_ROOT / "reports" / "catalogue"
REFERENCE = "en"
# Keys whose value is a list of texts (the same length in every language), not one text.
LISTS = {"date.months": 12}


def _flatten(tree: object, prefix: str, out: dict[str, object], where: str) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out, where)
        return
    if isinstance(tree, list) and prefix in LISTS:
        if len(tree) != LISTS[prefix] or not all(isinstance(v, str) for v in tree):
            raise _problem(where, prefix, "not a list of the right length", tree, f"{LISTS[prefix]} texts")
        out[prefix] = tuple(tree)
        return
    if isinstance(tree, int) and not isinstance(tree, bool):
        tree = str(tree)  # a number setting (min_grouping_digits) written without quotes
    if not isinstance(tree, str) or not tree.strip():
        raise _problem(where, prefix, "not a text", tree, "a non-empty text")
    out[prefix] = tree


def _problem(where: str, key: str, message: str, value: object = None, expected: str | None = None) -> InputProblem:
    return InputProblem(
        Problem(file=where, column=key, message=message, value=None if value is None else str(value), expected=expected)
    )


def placeholders(text: str) -> frozenset[str]:
    """The names a text fills in: 'On {day} of {month}' -> {'day', 'month'}."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def read_entries(path: Path) -> dict[str, object]:
    """A catalogue file's texts by dotted key ('measures.attendance_rate.text')."""
    where = f"{path.parent.name}/{path.name}"
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise _problem(where, "", f"not readable YAML: {error}") from None
    if not isinstance(tree, dict):
        raise _problem(where, "", "not a mapping of keys to texts", type(tree).__name__, "a YAML mapping")
    entries: dict[str, object] = {}
    _flatten(tree, "", entries, where)
    return entries


def check_against(entries: dict[str, object], reference: dict[str, object], where: str) -> None:
    """Every key of the reference, no other, and the same placeholders in each text; else InputProblem."""
    problems = []
    for key in sorted(reference.keys() - entries.keys()):
        problems.append(Problem(file=where, column=key, message=f"the key is missing ({REFERENCE}.yaml has it)"))
    for key in sorted(entries.keys() - reference.keys()):
        problems.append(Problem(file=where, column=key, message=f"an unknown key ({REFERENCE}.yaml has no such key)"))
    for key in sorted(entries.keys() & reference.keys()):
        mine, theirs = entries[key], reference[key]
        if isinstance(mine, str) and isinstance(theirs, str) and placeholders(mine) != placeholders(theirs):
            problems.append(
                Problem(
                    file=where,
                    column=key,
                    message="the text's placeholders differ from the reference's",
                    value=", ".join(sorted(placeholders(mine))) or "none",
                    expected=", ".join(sorted(placeholders(theirs))) or "none",
                )
            )
    if problems:
        raise InputProblem(problems)


@dataclass(frozen=True)
class Catalogue:
    """One language's texts, and how it writes numbers and dates."""

    code: str
    entries: dict[str, object]

    def has(self, key: str) -> bool:
        return key in self.entries

    def text(self, key: str, **values) -> str:
        """The text of a key with its placeholders filled in; a missing key or value raises KeyError."""
        template = self.entries[key]
        if not isinstance(template, str):
            raise KeyError(key)
        return template.format_map(_Strict(key, values))

    def number(self, value: float, decimals: int = 1) -> str:
        """1234.5 -> '1,234.5' (en) or '1234,5' (es): the catalogue's separators and grouping."""
        sign = "−" if value < 0 and round(abs(value), decimals) != 0 else ""
        whole, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
        group, min_grouping = self.entries["number.group"], int(self.entries["number.min_grouping_digits"])
        if len(whole) >= 3 + min_grouping:
            digits = []
            while len(whole) > 3:
                whole, tail = whole[:-3], whole[-3:]
                digits.insert(0, tail)
            whole = group.join([whole, *digits])
        return sign + (whole + self.entries["number.decimal"] + fraction if fraction else whole)

    def percent(self, value: float, decimals: int = 1) -> str:
        """33.8 -> '33.8%' (en) or '33,8 %' (es)."""
        return self.text("number.percent", number=self.number(value, decimals))

    def count(self, value: int) -> str:
        return self.number(value, 0)

    def date(self, day: dt.date) -> str:
        """January 16, 2026 (en); 16 de enero de 2026 (es)."""
        months = self.entries["date.months"]
        return self.text("date.format", day=day.day, month=months[day.month - 1], year=day.year)


class _Strict(dict):
    """A text's values; a placeholder without one names the key instead of printing '{value}'."""

    def __init__(self, key: str, values: dict):
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str):
        raise KeyError(f"catalogue text '{self.key}' needs a value for {{{name}}}")


def languages(folder: Path | None = None) -> tuple[str, ...]:
    """The language codes of the catalogues in the folder (CATALOGUE_DIR by default), the reference first."""
    folder = folder or CATALOGUE_DIR
    codes = sorted(p.stem for p in folder.glob("*.yaml"))
    if REFERENCE not in codes:
        raise _problem(f"{folder.name}/", f"{REFERENCE}.yaml", "the reference catalogue is missing")
    return (REFERENCE, *(c for c in codes if c != REFERENCE))


def load(code: str, folder: Path | None = None) -> Catalogue:
    """One language's catalogue, checked against the reference (InputProblem naming the file and key if not)."""
    folder = folder or CATALOGUE_DIR
    entries = read_entries(folder / f"{code}.yaml")
    if code != REFERENCE:
        check_against(entries, read_entries(folder / f"{REFERENCE}.yaml"), f"{folder.name}/{code}.yaml")
    return Catalogue(code, entries)


def load_all(folder: Path | None = None) -> tuple[Catalogue, ...]:
    """Every language's catalogue in the folder (CATALOGUE_DIR by default), the reference first."""
    return _load_all(folder or CATALOGUE_DIR)


@cache  # read and checked once per process: every period's renderer asks for them
def _load_all(folder: Path) -> tuple[Catalogue, ...]:
    return tuple(load(code, folder) for code in languages(folder))
