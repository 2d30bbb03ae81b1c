"""What a vendor's file needs beyond one column per field: the profile keys assessment files use (docs/sources.md).

A district's SIS export has one row per canonical row and a column per field.
The files districts download from DESE and the interim vendors do not:

* `unpivot`: one wide row per student gives one canonical row per group of
  columns (DESE's MCAS file: ELA, math and science side by side). A group whose
  cells are all empty (a subject the student did not take) gives no row.
* `constants`: a field no column holds, the same on every row (MCAS is the
  spring administration); a group of `unpivot` has its own (its assessment).
* `patterns`: a regular expression whose first group is the part of a cell a
  field reads (`Fall 2021-2022` gives the administration `Fall` and the
  school year `2022`).
* `join`: a field read from several columns, their cells joined by ` | `
  (MAP's Subject and Course together tell reading from language usage).
* `choose`: a field whose column depends on another field's mapped value
  (MAP's fall-to-winter growth flag on winter rows, fall-to-spring on spring rows).
* `bands`: a number turned into a value by ranges (a percentile into a level).
* `skip`: values of a field whose rows are no results (DESE's `DNT`, did not test).
* `through`: a code looked up in a canonical extract of the landing folder
  (MCAS's school code in `schools.state_school_id` gives our `school_id`).
* `day_in_year`: the day of the row's school year a date field takes when the
  file has none (MCAS files give no test date).
* `optional`: fields whose column a file may lack, written empty (preliminary
  MCAS files have no scaled scores and no growth percentiles).

A column named `(file name)` reads the file's own name (Renaissance writes
reading and math to files named `SR_…` and `SM_…`). Value maps and skip lists
may use `*` and `?` as wildcards; a value's own line wins over a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import EXTRACTS

KEYS = ("unpivot", "constants", "patterns", "join", "choose", "bands", "skip", "through", "day_in_year", "optional")
FILE_NAME = "(file name)"
JOINER = " | "


@dataclass(frozen=True)
class Band:
    """Numbers below `below` (no limit when None) get `value`; the first band a number fits wins."""

    below: float | None
    value: str


@dataclass(frozen=True)
class Through:
    """A cell is a value of `column` in the landing folder's canonical `extract`; the row takes that row's field."""

    extract: str
    column: str


@dataclass(frozen=True)
class Group:
    constants: dict[str, str]
    columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Choice:
    """The column of a field by the mapped value of another field; other values leave the field empty."""

    by: str
    columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Reshape:
    groups: tuple[Group, ...] = ()
    constants: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    join: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    choose: dict[str, Choice] = field(default_factory=dict)
    bands: dict[str, tuple[Band, ...]] = field(default_factory=dict)
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)
    through: dict[str, Through] = field(default_factory=dict)
    day_in_year: dict[str, tuple[int, int]] = field(default_factory=dict)
    optional: tuple[str, ...] = ()


def _texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _columns(mapping) -> dict[str, tuple[str, ...]]:
    return {str(k): _texts(v) for k, v in (mapping or {}).items()} if isinstance(mapping, dict) else {}


def parse(spec: dict, extract: str, fields: tuple[str, ...], problem) -> tuple[Reshape | None, list[Problem]]:
    """The reshaping keys of one extract's profile; None when it uses none. `problem(key, message, expected)` names a mistake."""
    if not any(k in spec for k in KEYS):
        return None, []
    problems: list[Problem] = []
    known = set(fields)

    def check_fields(section: str, names) -> None:
        problems.extend(
            problem(f"{section}.{n}", "not a field of this extract", ", ".join(fields)) for n in names if n not in known
        )

    groups = []
    for i, group in enumerate(spec.get("unpivot") or []):
        if not isinstance(group, dict):
            problems.append(problem(f"unpivot.{i}", "not a group", "{constants: {...}, columns: {...}}"))
            continue
        groups.append(
            Group({str(k): str(v) for k, v in (group.get("constants") or {}).items()}, _columns(group.get("columns")))
        )
        check_fields(f"unpivot.{i}.constants", groups[-1].constants)
        check_fields(f"unpivot.{i}.columns", groups[-1].columns)
    constants = {str(k): str(v) for k, v in (spec.get("constants") or {}).items()}
    check_fields("constants", constants)
    patterns = {}
    for name, text in (spec.get("patterns") or {}).items():
        try:
            patterns[str(name)] = re.compile(str(text))
            if patterns[str(name)].groups != 1:
                problems.append(problem(f"patterns.{name}", "the pattern needs one group ( )", "e.g. '^(\\S+) '"))
        except re.error as exc:
            problems.append(problem(f"patterns.{name}", f"not a regular expression: {exc}", "e.g. '^(\\S+) '"))
    check_fields("patterns", patterns)
    # Each joined column may be a list of alternatives (MAP's Subject, or Discipline in older files).
    join = {
        str(k): tuple(_texts(member) for member in (v if isinstance(v, list) else [v]))
        for k, v in (spec.get("join") or {}).items()
    }
    check_fields("join", join)
    choose = {}
    for name, choice in (spec.get("choose") or {}).items():
        if not isinstance(choice, dict) or not choice.get("by"):
            problems.append(problem(f"choose.{name}", "no field to choose by", "{by: administration, columns: {...}}"))
            continue
        choose[str(name)] = Choice(str(choice["by"]), _columns(choice.get("columns")))
        check_fields(f"choose.{name}.by", [choose[str(name)].by])
    check_fields("choose", choose)
    bands = {}
    for name, items in (spec.get("bands") or {}).items():
        parsed = []
        for i, item in enumerate(items or []):
            below = item.get("below") if isinstance(item, dict) else None
            try:
                parsed.append(Band(float(below) if below is not None else None, str(item["value"])))
            except (KeyError, TypeError, ValueError):
                problems.append(problem(f"bands.{name}.{i}", "not a band", "{below: 21, value: ...} or {value: ...}"))
        bands[str(name)] = tuple(parsed)
    check_fields("bands", bands)
    problems += [
        problem(f"bands.{n}", "a field has bands or a value map, not both", "one of them")
        for n in bands
        if n in (spec.get("values") or {})
    ]
    skip = {str(k): _texts(v) for k, v in (spec.get("skip") or {}).items()}
    check_fields("skip", skip)
    through = {}
    for name, target in (spec.get("through") or {}).items():
        if not isinstance(target, dict) or target.get("extract") not in EXTRACTS or not target.get("column"):
            problems.append(problem(f"through.{name}", "not a lookup", "{extract: schools, column: state_school_id}"))
            continue
        through[str(name)] = Through(str(target["extract"]), str(target["column"]))
        if str(name) not in EXTRACTS[through[str(name)].extract].column_names:
            problems.append(problem(f"through.{name}", f"the {target['extract']} extract has no column {name}"))
    check_fields("through", through)
    days = {}
    for name, text in (spec.get("day_in_year") or {}).items():
        match = re.fullmatch(r"(\d\d)-(\d\d)", str(text))
        if not match:
            problems.append(problem(f"day_in_year.{name}", f"not a month and day: '{text}'", "MM-DD, e.g. '05-01'"))
            continue
        days[str(name)] = (int(match.group(1)), int(match.group(2)))
    check_fields("day_in_year", days)
    optional = _texts(spec.get("optional"))
    check_fields("optional", optional)
    if groups and spec.get("shape", "rows") != "rows":
        problems.append(problem("unpivot", "unpivot reads rows of the rows shape only"))
    return Reshape(tuple(groups), constants, patterns, join, choose, bands, skip, through, days, optional), problems
