"""Reading a vendor's file through the keys of its profile entry (sezp_roadmap.sources.reshape).

The row strategy convert.read_table reads such a file with (the file opened,
its rows counted and written there, as for every profiled file). A wide
file's group is read like a file of its own (one canonical file per group). A field's cell is found (its column, its joined
columns, the file's name), cut by its pattern, checked against the skip list,
then mapped (value map, date format, or bands); fields chosen by another
field follow; constants, school codes and days in the school year come last.
Every value no key of the profile knows is a problem naming the value, how
many rows have it and the line to add; nothing is guessed and no row is
left out without being counted.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.periods import date_in_school_year, school_year_of
from sezp_roadmap.sources.convert import _is_required, _map_row, _normalise
from sezp_roadmap.sources.profile import ExtractProfile
from sezp_roadmap.sources.report import Conversion, FileReport, Tally, tally
from sezp_roadmap.sources.reshape import FILE_NAME, JOINER, Band

_HERE = -1  # the position of the pseudo-column `(file name)`


def _position(alternatives: tuple[str, ...], where: dict[str, int]) -> int | None:
    for name in alternatives:
        if name == FILE_NAME:
            return _HERE
        if _normalise(name) in where:
            return where[_normalise(name)]
    return None


def _cell(cells: list[str], index: int, file_name: str) -> str:
    if index == _HERE:
        return file_name
    return cells[index].strip() if index < len(cells) else ""


def _matches(cell: str, patterns: tuple[str, ...]) -> bool:
    return any(cell == p or (("*" in p or "?" in p) and cell and fnmatch.fnmatchcase(cell, p)) for p in patterns)


def _band(bands: tuple[Band, ...], cell: str) -> str | None:
    try:
        number = float(cell)
    except ValueError:
        return None
    return next((b.value for b in bands if b.below is None or number < b.below), None)


class _Problems:
    """The file's value problems the vendor keys find, by kind and value, each with its rows counted."""

    def __init__(self):
        self.patterns: dict[tuple, Tally] = {}
        self.numbers: dict[tuple, Tally] = {}

    def as_problems(self, spec: ExtractProfile, source: str) -> list[Problem]:
        problems = []
        for (name, value), t in self.patterns.items():
            problems.append(
                t.problem(
                    f"the profile's pattern of {name} does not read this value",
                    expected=f"a value that '{spec.reshape.patterns[name].pattern}' reads; or another pattern under "
                    f"`extracts: {spec.name}: patterns: {name}:` in the profile {source}",
                    value=value,
                )
            )
        for (name, value), t in self.numbers.items():
            problems.append(
                t.problem(
                    f"no band of {name} takes this value",
                    expected=f"a number that a band under `extracts: {spec.name}: bands: {name}:` in the profile "
                    f"{source} takes, e.g. - {{value: ...}} for every number above the last band",
                    value=value,
                )
            )
        return problems


class VendorRows:
    """Where each field's cells are in one file, and the canonical row each of its rows gives.

    The row strategy of convert.read_table for an entry with the keys vendor files use.
    """

    # A wide file's groups all miss the file's own columns: each missing column is said once. A layout without
    # the group's columns keeps, in the file's report, the group's required fields it lacks.
    forgets_missing_without_group = False
    says_missing_once = True

    def __init__(self, path: Path, spec: ExtractProfile, report: FileReport, result: Conversion, header, codes=None):
        self.spec, self.reshape, self.report, self.result = spec, spec.reshape, report, result
        self.file = path.name
        self.header = header
        self.codes = codes
        self.value_problems = _Problems()
        self.where: dict[str, int] = {}
        for index, cell in enumerate(header):
            self.where.setdefault(_normalise(cell), index)
        self.base = self._base_columns()
        self.join = self._joined_columns()
        self.chosen = self._chosen_columns()
        self._name_missing_fields()

    def _column_name(self, index: int) -> str:
        return FILE_NAME if index == _HERE else self.header[index].strip()

    def _base_columns(self) -> dict[str, int]:
        found = {}
        for name, alternatives in self.spec.columns.items():
            index = _position(alternatives, self.where)
            if index is not None:
                found[name] = index
                self.report.columns[name] = self._column_name(index)
        return found

    def _joined_columns(self) -> dict[str, list[int]]:
        joined = {}
        for name, members in self.reshape.join.items():
            found = [_position(alternatives, self.where) for alternatives in members]
            if None in found:
                self.report.missing.append(name)
                continue
            joined[name] = found
            self.report.columns[name] = JOINER.join(self._column_name(i) for i in found)
        return joined

    def _chosen_columns(self) -> dict[str, dict[str, int]]:
        chosen = {}
        for name, choice in self.reshape.choose.items():
            found = {value: _position(alternatives, self.where) for value, alternatives in choice.columns.items()}
            chosen[name] = {value: index for value, index in found.items() if index is not None}
            if chosen[name]:
                self.report.columns[name] = " / ".join(self._column_name(i) for i in chosen[name].values())
        return chosen

    def _name_missing_fields(self) -> None:
        provided = {*self.base, *self.join, *self.chosen, *self.reshape.day_in_year}
        for name in EXTRACTS[self.spec.extract].column_names:
            if name not in provided and _is_required(self.spec, name) and name not in self.report.missing:
                self.report.missing.append(name)

    @property
    def has_group(self) -> bool:
        """A group's file has at least one of the group's columns (an MCAS layout without science has none)."""
        return not self.spec.group_fields or any(f in self.base for f in self.spec.group_fields)

    def problems(self) -> list[Problem]:
        """The values no key of the profile reads, each with its rows counted (once the whole file is read)."""
        return self.value_problems.as_problems(self.spec, self.result.profile.source)

    def values(self, row: int, cells: list[str]) -> dict[str, str] | None:
        """The canonical row of one district row; None when it is no row (counted) or a value is a problem."""
        raw = {name: _cell(cells, i, self.file) for name, i in self.base.items()}
        for name, indexes in self.join.items():
            raw[name] = JOINER.join(_cell(cells, i, self.file) for i in indexes)
        if self.spec.group_fields and not any(raw.get(f) for f in self.spec.group_fields):
            self.report.left_out[f"no result in the columns of {self.spec.label}"] += 1
            return None
        values = self._read(raw, row)
        if values is None:
            return None
        for name, choice in self.reshape.choose.items():
            index = self.chosen[name].get(values.get(choice.by, ""))
            chosen = self._read({name: _cell(cells, index, self.file) if index is not None else ""}, row)
            if chosen is None:
                return None
            values.update(chosen)
        return self._completed(values, row)

    def _read(self, raw: dict[str, str], row: int) -> dict[str, str] | None:
        """Cells cut by their patterns, checked against the skip list, then mapped.

        A row the skip list leaves out is no result: a pattern that does not read
        another of its cells (MAP's `Summer 2022` has no school year span) is no problem.
        """
        raw = {name: "" if cell in self.spec.null_values else cell for name, cell in raw.items()}
        unread = self._cut(raw)
        for name, skipped in self.reshape.skip.items():
            if name in raw and _matches(raw[name], skipped):
                self.report.left_out[f"{name} {raw[name] or '(empty)'} (skip)"] += 1
                return None
        for name, cell in unread.items():
            tally(self.value_problems.patterns, (name, cell), self.file, self.report.columns.get(name), row)
        return self._mapped(raw, row) if not unread else None

    def _cut(self, raw: dict[str, str]) -> dict[str, str]:
        """Each field's cell cut to its pattern's group; the cells a pattern does not read, by field."""
        unread = {}
        for name, pattern in self.reshape.patterns.items():
            if raw.get(name):
                match = pattern.search(raw[name])
                if match is None:
                    unread[name] = raw[name]
                else:
                    raw[name] = match.group(1).strip()
        return unread

    def _mapped(self, raw: dict[str, str], row: int) -> dict[str, str] | None:
        banded = {name: raw.pop(name) for name in list(raw) if name in self.reshape.bands}
        names = list(raw)
        positions = {name: i for i, name in enumerate(names)}
        values = _map_row(
            self.spec, positions, [raw[n] for n in names], self.report.columns, self.result, self.file, row
        )
        if values is None:
            return None
        for name, cell in banded.items():
            value = _band(self.reshape.bands[name], cell) if cell else ""
            if value is None:
                tally(self.value_problems.numbers, (name, cell), self.file, self.report.columns.get(name), row)
                return None
            values[name] = value
        return values

    def _completed(self, values: dict[str, str], row: int) -> dict[str, str] | None:
        """Constants, the school a code names, and the dates and year the file does not give."""
        for name, value in self.spec.constants.items():
            values.setdefault(name, value)
        if self.codes is not None and values.get("school_id"):
            school = self.codes.get(values["school_id"])
            if school is None:
                column = self.report.columns.get("school_id", "school_id")
                key = (self.spec.name, values["school_id"])
                tally(self.result.unknown_school_codes, key, self.file, column, row)
                return None
            values["school_id"] = school
        for name, (month, day) in self.reshape.day_in_year.items():
            if not values.get(name) and values.get("school_year", "").isdigit():
                values[name] = date_in_school_year(int(values["school_year"]), month, day).isoformat()
        if not values.get("school_year") and values.get("test_date"):
            values["school_year"] = str(school_year_of(dt.date.fromisoformat(values["test_date"])))
        return values
