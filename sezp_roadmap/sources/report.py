"""What reading a district's files through a profile found: per file, and every problem in the district's words.

A problem of one kind and one value is one message, with how many rows have
it and the first few: a value the profile does not map (and the line to add),
a date no format reads, flags no rule covers, a key the lookup lacks, a
school code no school has.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.sources import race as race_rule
from sezp_roadmap.sources.profile import ISO_FORMATS, NO_CODE, RECORD_TYPES, Profile

# How many rows a problem of one kind lists by number before it only counts them.
FIRST_ROWS = 3
# How many unmapped values of one field are named one by one (the most frequent first).
MAX_VALUES_LISTED = 20
FLAG_FIELDS = ("absent", "excused", "tardy", "dismissed")


@dataclass
class FileReport:
    """How one district file mapped."""

    extract: str
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # field -> the district's column it was read from
    missing: list[str] = field(default_factory=list)  # fields whose column the file lacks
    rows: int = 0  # data rows read (blank rows left out)
    written: int = 0  # canonical rows written
    not_exceptions: int = 0  # attendance flag rows a rule says are no exception (code `none`)
    skipped_records: int = 0  # enrollment records whose type the profile maps to `skip`
    canonical_name: str | None = None
    group: str | None = None  # a wide file's group of columns this report is of
    lookup: bool = False  # a file the extract looks fields up in (a students export), not one of its rows
    left_out: Counter = field(default_factory=Counter)  # reason -> rows (keep_rows, the source's skip_row)
    entry: str = ""  # the profile's entry that read it, when not named after its extract


@dataclass
class Tally:
    """One kind of problem with one value: how many rows, and the first few."""

    file: str
    column: str | None
    value: str
    count: int = 0
    rows: list[int] = field(default_factory=list)

    def problem(self, message: str, expected: str, value: str | None = None) -> Problem:
        """The tally as one problem: its file, first row and column, with how many rows have it."""
        return Problem(
            file=self.file,
            row=self.rows[0],
            column=self.column,
            value=value,
            message=f"{message} ({rows_text(self)})",
            expected=expected,
        )


@dataclass
class Conversion:
    profile: Profile
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unmapped: dict[tuple[str, str, str], Tally] = field(default_factory=dict)  # (extract, field, value)
    bad_dates: dict[tuple[str, str, str], Tally] = field(default_factory=dict)
    unmatched_flags: dict[tuple[str, str], Tally] = field(default_factory=dict)
    canonical: list[Path] = field(default_factory=list)  # the canonical CSVs read beside the profiled files
    not_looked_up: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (extract, file)
    unknown_school_codes: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (entry, code)

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + self._value_problems()

    def rows_per_extract(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.files:
            counts[f.extract] += f.written
        return dict(counts)

    def _value_problems(self) -> list[Problem]:
        problems = []
        shown: Counter[tuple[str, str]] = Counter()
        hidden: dict[tuple[str, str], list[Tally]] = {}
        for (extract, name, value), t in sorted(self.unmapped.items(), key=lambda kv: (-kv[1].count, kv[1].rows[0])):
            # The values found most often first; a field with very many (a wrong column?) lists the first few.
            shown[(extract, name)] += 1
            if shown[(extract, name)] > MAX_VALUES_LISTED:
                hidden.setdefault((extract, name), []).append(t)
                continue
            problems.append(
                t.problem(
                    f"the profile maps no value '{value}' of {name}",
                    expected=f"a line under `extracts: {extract}: values: {name}:` in the profile {self.profile.source}: "
                    f"  {yaml_key(value)}: {_target_hint(self.profile.extracts[extract].extract, name)}",
                    value=value,
                )
            )
        for (_, name), rest in hidden.items():
            problems.append(
                Problem(
                    file=rest[0].file,
                    column=rest[0].column,
                    message=f"and {len(rest):,} more values of {name} the profile does not map, in "
                    f"{sum(t.count for t in rest):,} rows",
                    expected="the column the profile names for this field: are these the values it should hold?",
                )
            )
        for (extract, name, value), t in sorted(self.bad_dates.items(), key=lambda kv: (kv[1].file, kv[1].rows[0])):
            formats = self.profile.extracts[extract].dates.get(name, ())
            problems.append(
                t.problem(
                    "none of the profile's date formats reads this date",
                    expected=f"a date in one of {', '.join((*formats, *ISO_FORMATS))}; or its format under "
                    f"`extracts: {extract}: dates: {name}:` in the profile (e.g. '%m/%d/%Y')",
                    value=value,
                )
            )
        for (extract, combination), t in sorted(
            self.unmatched_flags.items(), key=lambda kv: (kv[1].file, kv[1].rows[0])
        ):
            problems.append(
                t.problem(
                    "no rule of the profile gives these flags a code",
                    expected=f"a rule under `extracts: {extract}: codes:` in the profile, e.g. "
                    f"- {{when: {{{combination}}}, code: <an attendance code, or {NO_CODE}>}}",
                    value=combination,
                )
            )
        for (entry, code), t in sorted(self.unknown_school_codes.items()):
            column = " or ".join(self.profile.extracts[entry].school_codes) or "state_school_id"
            problems.append(
                t.problem(
                    f"no school of the schools extract has this {column}",
                    expected="the school's row in schools.csv with its 8-digit DESE code as state_school_id"
                    if column == "state_school_id"
                    else f"the school's row in schools.csv with this value as its {column}",
                    value=code,
                )
            )
        for (extract, _), t in sorted(self.not_looked_up.items()):
            lookup = self.profile.extracts[extract].lookup
            problems.append(
                t.problem(
                    f"the {lookup.key} of this row is in no file of the lookup",
                    expected=f"its {lookup.key} in the export named {' or '.join(lookup.files)}, from which the profile "
                    f"takes the {extract} fields this file lacks",
                )
            )
        return problems


def rows_text(t: Tally) -> str:
    shown = ", ".join(f"{r:,}" for r in t.rows)
    more = f" and {t.count - len(t.rows):,} more" if t.count > len(t.rows) else ""
    return f"{t.count:,} row{'s' if t.count != 1 else ''}: row{'s' if t.count != 1 else ''} {shown}{more}"


def yaml_key(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _target_hint(extract: str, name: str) -> str:
    if name == "record_type":
        return " | ".join(RECORD_TYPES)
    if name in ("hispanic", *FLAG_FIELDS):
        return "Y | N"
    if name == "race":
        return " | ".join(race_rule.RACE_VALUES)
    if (extract, name) == ("attendance", "code"):
        return f"<a code of the settings' attendance_codes (by default A, AE, AH, AS, T, D), or {NO_CODE}>"
    if (extract, name) == ("assessments", "assessment"):
        return "<an assessment id of the settings' assessments: (by default mcas_ela, mcas_math, mcas_science, interim_reading, interim_math)>"
    if (extract, name) == ("assessments", "performance_level"):
        return "<one of that assessment's levels in the settings, e.g. Meeting Expectations, At or above grade level>"
    columns = {c.name: c for c in EXTRACTS[extract].columns}
    column = columns.get(name)
    if column is not None and column.codes:
        return " | ".join(column.codes)
    if column is not None and column.kind == "flag":
        return "Y | N"
    return "<the value as the data contract writes it>"


def tally(table: dict, key, file: str, column: str | None, row: int) -> None:
    t = table.get(key)
    if t is None:
        t = table[key] = Tally(file, column, key[-1])
    t.count += 1
    if len(t.rows) < FIRST_ROWS:
        t.rows.append(row)
