"""Reading a vendor's file through the reshaping keys of its profile entry (sezp_roadmap.sources.reshape).

Each district row gives one canonical row, or one per `unpivot` group. A
field's cell is found (its column, its joined columns, the file's name), cut
by its pattern, checked against the skip list, then mapped (value map, date
format, or bands); fields chosen by another field follow; constants, days in
the school year and `through` lookups come last. Every value no key of the
profile knows is a problem naming the value, how many rows have it and the
line to add; nothing is guessed and no row is dropped without being counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import gzip
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import EXTRACTS, extract_of
from sezp_roadmap.periods import date_in_school_year, school_year_of
from sezp_roadmap.sources.convert import (
    Conversion,
    FileReport,
    _keep_positions,
    _map_row,
    _missing_columns,
    _normalise,
    _not_kept,
    _rows_text,
    _Tally,
    _tally,
    _Writer,
    _yaml_key,
)
from sezp_roadmap.sources.profile import ExtractProfile
from sezp_roadmap.sources.reshape import FILE_NAME, JOINER, Band, Reshape
from sezp_roadmap.sources.tables import open_table

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


def _required(spec: ExtractProfile, reshape: Reshape, name: str) -> bool:
    """Whether a file must have a column for the field: a required contract column no other key provides."""
    columns = {c.name: c for c in EXTRACTS[spec.extract].columns}
    if name in reshape.optional or name not in columns or not columns[name].required:
        return False
    if name in reshape.constants or name in reshape.day_in_year:
        return False
    return not (name == "school_year" and spec.extract == "assessments")  # else derived from test_date


class _Problems:
    """The file's value problems by kind and value, each with its rows counted."""

    def __init__(self):
        self.patterns: dict[tuple, _Tally] = {}
        self.numbers: dict[tuple, _Tally] = {}
        self.through: dict[tuple, _Tally] = {}

    def as_problems(self, spec: ExtractProfile, source: str) -> list[Problem]:
        entry = spec.name
        problems = []
        for (name, value), t in self.patterns.items():
            pattern = spec.reshape.patterns[name].pattern
            problems.append(
                Problem(
                    file=t.file,
                    row=t.rows[0],
                    column=t.column,
                    value=value,
                    message=f"the profile's pattern of {name} does not read this value ({_rows_text(t)})",
                    expected=f"a value that '{pattern}' reads; or another pattern under "
                    f"`extracts: {entry}: patterns: {name}:` in the profile {source}",
                )
            )
        for (name, value), t in self.numbers.items():
            problems.append(
                Problem(
                    file=t.file,
                    row=t.rows[0],
                    column=t.column,
                    value=value,
                    message=f"no band of {name} takes this value ({_rows_text(t)})",
                    expected=f"a number that a band under `extracts: {entry}: bands: {name}:` in the profile "
                    f"{source} takes, e.g. - {{value: ...}} for every number above the last band",
                )
            )
        for (name, value), t in self.through.items():
            target = spec.reshape.through[name]
            problems.append(
                Problem(
                    file=t.file,
                    row=t.rows[0],
                    column=t.column,
                    value=value,
                    message=f"no row of the {target.extract} extract has {target.column} {_yaml_key(value)} "
                    f"({_rows_text(t)})",
                    expected=f"the value in the {target.column} column of the {target.extract} file beside the "
                    f"exports (the profile {source} reads {name} through it: `extracts: {entry}: through:`)",
                )
            )
        return problems


def through_tables(data_dir: Path, reshape: Reshape) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """For each `through` field, its lookup: the value of the named column -> the field, from the canonical files."""
    tables, problems = {}, []
    for name, target in reshape.through.items():
        table: dict[str, str] = {}
        paths = [p for p in sorted(Path(data_dir).iterdir()) if p.is_file() and extract_of(p) == target.extract]
        if not paths:
            problems.append(
                Problem(
                    file=f"{target.extract}.csv",
                    message=f"the profile reads {name} through {target.extract}.{target.column}, "
                    f"and the folder has no {target.extract} file",
                    expected=f"the canonical {target.extract}.csv beside the exports, with its {target.column} column",
                )
            )
        for path in paths:
            opener = gzip.open if path.name.lower().endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    key = (row.get(target.column) or "").strip()
                    if key:
                        table.setdefault(key, (row.get(name) or "").strip())
        tables[name] = table
    return tables, problems


def _band(bands: tuple[Band, ...], cell: str) -> str | None:
    try:
        number = float(cell)
    except ValueError:
        return None
    return next((b.value for b in bands if b.below is None or number < b.below), None)


class _Reader:
    """Where each field's cells are in one file, and the canonical rows each of its rows gives."""

    def __init__(self, path: Path, spec: ExtractProfile, report: FileReport, result: Conversion, header, through):
        self.spec, self.reshape, self.report, self.result = spec, spec.reshape, report, result
        self.file = path.name
        self.header = header
        self.through = through
        self.problems = _Problems()
        self.where: dict[str, int] = {}
        for index, cell in enumerate(header):
            self.where.setdefault(_normalise(cell), index)
        self.base = self._base_columns()
        self.join = self._joined_columns()
        self.groups = self._group_columns()
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

    def _group_columns(self) -> list[tuple]:
        """Each unpivot group and where its fields are; a field's columns of every group are named together."""
        groups, names = [], {}
        for group in self.reshape.groups:
            found = {}
            for name, alternatives in group.columns.items():
                index = _position(alternatives, self.where)
                if index is not None:
                    found[name] = index
                    names.setdefault(name, []).append(self._column_name(index))
                elif name not in self.reshape.optional:
                    self.report.missing.append(f"{name} ({' or '.join(alternatives)})")
            groups.append((group, found))
        for name, columns in names.items():
            self.report.columns[name] = " / ".join(columns)
        return groups

    def _chosen_columns(self) -> dict[str, dict[str, int]]:
        chosen = {}
        for name, choice in self.reshape.choose.items():
            found = {value: _position(alternatives, self.where) for value, alternatives in choice.columns.items()}
            chosen[name] = {value: index for value, index in found.items() if index is not None}
            if chosen[name]:
                self.report.columns[name] = " / ".join(self._column_name(i) for i in chosen[name].values())
        return chosen

    def _name_missing_fields(self) -> None:
        provided = {*self.base, *self.join, *self.chosen}
        provided |= {name for group, found in self.groups for name in (*found, *group.constants)}
        for name in EXTRACTS[self.spec.extract].column_names:
            if name not in provided and _required(self.spec, self.reshape, name):
                self.report.missing.append(name)

    def rows(self, row: int, cells: list[str]):
        """The canonical rows of one district row."""
        base = {name: _cell(cells, i, self.file) for name, i in self.base.items()}
        for name, indexes in self.join.items():
            base[name] = JOINER.join(_cell(cells, i, self.file) for i in indexes)
        for group, found in self.groups or [(None, {})]:
            raw = dict(base)
            columns = dict(self.report.columns)
            if group is not None:
                own = {name: _cell(cells, i, self.file) for name, i in found.items()}
                if not any(own.values()):
                    continue  # a subject the student did not take
                raw.update(own)
                columns.update({name: self.header[i].strip() for name, i in found.items()})
            values = self._values(raw, columns, row, cells)
            if values is None:
                continue
            if group is not None:
                values.update(group.constants)
            yield values

    def _values(
        self, raw: dict[str, str], columns: dict[str, str], row: int, cells: list[str]
    ) -> dict[str, str] | None:
        """A canonical row's values from its cells; None when it is no row (skipped) or a value is a problem."""
        values = self._read(raw, columns, row)
        if values is None:
            return None
        for name, choice in self.reshape.choose.items():
            index = self.chosen[name].get(values.get(choice.by, ""))
            chosen = self._read({name: _cell(cells, index, self.file) if index is not None else ""}, columns, row)
            if chosen is None:
                return None
            values.update(chosen)
        return self._completed(values, columns, row)

    def _read(self, raw: dict[str, str], columns: dict[str, str], row: int) -> dict[str, str] | None:
        """Cells cut by their patterns, checked against the skip list, then mapped."""
        raw = {name: "" if cell in self.spec.null_values else cell for name, cell in raw.items()}
        if not self._cut(raw, columns, row):
            return None
        if any(_matches(raw[name], values) for name, values in self.reshape.skip.items() if name in raw):
            self.report.skipped_records += 1
            return None
        return self._mapped(raw, columns, row)

    def _completed(self, values: dict[str, str], columns: dict[str, str], row: int) -> dict[str, str] | None:
        """Constants, codes looked up through a canonical extract, and the dates and year the file does not give."""
        values.update(self.reshape.constants)
        for name, table in self.through.items():
            if values.get(name):
                found = table.get(values[name])
                if found is None:
                    _tally(self.problems.through, (name, values[name]), self.file, columns.get(name), row)
                    return None
                values[name] = found
        for name, (month, day) in self.reshape.day_in_year.items():
            if not values.get(name) and values.get("school_year", "").isdigit():
                values[name] = date_in_school_year(int(values["school_year"]), month, day).isoformat()
        if not values.get("school_year") and values.get("test_date"):
            values["school_year"] = str(school_year_of(dt.date.fromisoformat(values["test_date"])))
        return values

    def _cut(self, raw: dict[str, str], columns: dict[str, str], row: int) -> bool:
        """Each field's cell cut to its pattern's group; False (and a problem) when a pattern does not read it."""
        ok = True
        for name, pattern in self.reshape.patterns.items():
            if raw.get(name):
                match = pattern.search(raw[name])
                if match is None:
                    _tally(self.problems.patterns, (name, raw[name]), self.file, columns.get(name), row)
                    ok = False
                else:
                    raw[name] = match.group(1).strip()
        return ok

    def _mapped(self, raw: dict[str, str], columns: dict[str, str], row: int) -> dict[str, str] | None:
        banded = {name: raw.pop(name) for name in list(raw) if name in self.reshape.bands}
        names = list(raw)
        values = _map_row(
            self.spec,
            {n: i for i, n in enumerate(names)},
            [raw[n] for n in names],
            columns,
            self.result,
            self.file,
            row,
        )
        if values is None:
            return None
        for name, cell in banded.items():
            if not cell:
                values[name] = ""
                continue
            value = _band(self.reshape.bands[name], cell)
            if value is None:
                _tally(self.problems.numbers, (name, cell), self.file, columns.get(name), row)
                return None
            values[name] = value
        return values


def read_reshaped(path: Path, spec: ExtractProfile, report: FileReport, result: Conversion, out_dir, data_dir) -> None:
    """Read one vendor file of the entry into canonical rows (written into out_dir, or only counted without one)."""
    table = open_table(path, spec.fmt)
    through, problems = through_tables(data_dir, spec.reshape)
    if problems:
        result.problems += [p for p in problems if p not in result.problems]
        return
    reader = _Reader(path, spec, report, result, table.header, through)
    if report.missing:
        result.problems += _missing_columns(spec, spec.columns, path.name, table.header_row, report.missing)
        return
    keep = _keep_positions(spec, table.header, report, result, path.name, table.header_row)
    if keep is None:
        return
    writer = _Writer(out_dir, spec, report) if out_dir is not None else None
    try:
        for row, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            left_out = _not_kept(keep, cells)
            if left_out:
                report.left_out[left_out] += 1
                continue
            for values in reader.rows(row, cells):
                if writer is not None:
                    writer.write(values, row)
                else:
                    report.written += 1
    finally:
        if writer is not None:
            writer.close()
    result.problems += reader.problems.as_problems(spec, result.profile.source)
