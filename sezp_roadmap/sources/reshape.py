"""What a vendor's file needs beyond one column per field: the profile keys assessment files use (docs/sources.md).

A district's SIS export has one row per canonical row and a column per field.
The files districts download from DESE and the interim vendors need more; each
key is data a district can use for any vendor:

* `patterns`: a regular expression whose first group is the part of a cell a
  field reads (`Fall 2021-2022` gives the administration `Fall` and the
  school year `2022`).
* `join`: a field read from several columns, their cells joined by ` | `
  (MAP's Subject and Course together tell reading from language usage); each
  joined column may be a list of alternatives, the first the file has.
* `choose`: a field whose column depends on another field's mapped value
  (MAP's fall-to-winter growth flag on winter rows, fall-to-spring on spring rows).
* `bands`: a number turned into a value by ranges (a percentile into a level).
* `skip`: values of a field whose rows are no results (DESE's `DNT`, did not
  test); counted, never read.
* `day_in_year`: the day of the row's school year a date field takes when the
  file has none (MCAS files give no test date).

A column named `(file name)` reads the file's own name (Renaissance writes
reading and math to files named `SR_…` and `SM_…`). The wide shape, constants,
school codes and kept rows are the format's own keys (sezp_roadmap.sources.profile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sezp_roadmap.errors import Problem

KEYS = ("patterns", "join", "choose", "bands", "skip", "day_in_year")
FILE_NAME = "(file name)"
JOINER = " | "


@dataclass(frozen=True)
class Band:
    """Numbers below `below` (no limit when None) get `value`; the first band a number fits wins."""

    below: float | None
    value: str


@dataclass(frozen=True)
class Choice:
    """The column of a field by the mapped value of another field; other values leave the field empty."""

    by: str
    columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Reshape:
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    join: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    choose: dict[str, Choice] = field(default_factory=dict)
    bands: dict[str, tuple[Band, ...]] = field(default_factory=dict)
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)
    day_in_year: dict[str, tuple[int, int]] = field(default_factory=dict)


def _texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _columns(mapping) -> dict[str, tuple[str, ...]]:
    return {str(k): _texts(v) for k, v in (mapping or {}).items()} if isinstance(mapping, dict) else {}


def parse(spec: dict, fields: tuple[str, ...], problem) -> tuple[Reshape | None, list[Problem]]:
    """The vendor keys of one profile entry; None when it uses none. `problem(key, message, expected)` names a mistake."""
    if not any(k in spec for k in KEYS):
        return None, []
    problems: list[Problem] = []
    known = set(fields)

    def check_fields(section: str, names) -> None:
        problems.extend(
            problem(f"{section}.{n}", "not a field of this extract", ", ".join(fields)) for n in names if n not in known
        )

    patterns = _patterns(spec.get("patterns") or {}, problem, problems)
    check_fields("patterns", patterns)
    # Each joined column may be a list of alternatives (MAP's Subject, or Discipline in older files).
    join = {
        str(k): tuple(_texts(member) for member in (v if isinstance(v, list) else [v]))
        for k, v in (spec.get("join") or {}).items()
    }
    check_fields("join", join)
    choose = _choices(spec.get("choose") or {}, problem, problems)
    check_fields("choose", choose)
    check_fields("choose.by", {c.by for c in choose.values()})
    bands = _bands(spec.get("bands") or {}, problem, problems)
    check_fields("bands", bands)
    problems += [
        problem(f"bands.{n}", "a field has bands or a value map, not both", "one of them")
        for n in bands
        if n in (spec.get("values") or {})
    ]
    skip = {str(k): _texts(v) for k, v in (spec.get("skip") or {}).items()}
    check_fields("skip", skip)
    days = _days(spec.get("day_in_year") or {}, problem, problems)
    check_fields("day_in_year", days)
    return Reshape(patterns, join, choose, bands, skip, days), problems


def _patterns(raw: dict, problem, problems: list) -> dict[str, re.Pattern]:
    patterns = {}
    for name, text in raw.items():
        try:
            patterns[str(name)] = re.compile(str(text))
        except re.error as exc:
            problems.append(problem(f"patterns.{name}", f"not a regular expression: {exc}", "e.g. '^(\\S+) '"))
            continue
        if patterns[str(name)].groups != 1:
            problems.append(problem(f"patterns.{name}", "the pattern needs one group ( )", "e.g. '^(\\S+) '"))
    return patterns


def _choices(raw: dict, problem, problems: list) -> dict[str, Choice]:
    choose = {}
    for name, choice in raw.items():
        if not isinstance(choice, dict) or not choice.get("by"):
            problems.append(problem(f"choose.{name}", "no field to choose by", "{by: administration, columns: {...}}"))
            continue
        choose[str(name)] = Choice(str(choice["by"]), _columns(choice.get("columns")))
    return choose


def _bands(raw: dict, problem, problems: list) -> dict[str, tuple[Band, ...]]:
    bands = {}
    for name, items in raw.items():
        parsed = []
        for i, item in enumerate(items or []):
            below = item.get("below") if isinstance(item, dict) else None
            try:
                parsed.append(Band(float(below) if below is not None else None, str(item["value"])))
            except (KeyError, TypeError, ValueError):
                problems.append(problem(f"bands.{name}.{i}", "not a band", "{below: 21, value: ...} or {value: ...}"))
        bands[str(name)] = tuple(parsed)
    return bands


def _days(raw: dict, problem, problems: list) -> dict[str, tuple[int, int]]:
    days = {}
    for name, text in raw.items():
        match = re.fullmatch(r"(\d\d)-(\d\d)", str(text))
        if not match:
            problems.append(problem(f"day_in_year.{name}", f"not a month and day: '{text}'", "MM-DD, e.g. '05-01'"))
            continue
        days[str(name)] = (int(match.group(1)), int(match.group(2)))
    return days
