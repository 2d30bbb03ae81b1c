"""Entry and withdrawal records paired into enrollment spells.

Student information systems such as Aspen X2 keep enrollment as events: an
entry record (type `E`) when a student starts at a school, a withdrawal (`W`)
when the student leaves, another entry on a re-entry. The data contract
wants spells: entry date, exit date (empty while enrolled). The rules, per
student, school and school year, with the records in date order:

* An entry opens a spell; the next withdrawal closes it, its date the exit date.
  A re-entry after a withdrawal opens a new spell.
* An entry with no withdrawal after it is a spell still open: exit empty.
* The spell takes the entry record's grade and demographics (the student as
  enrolled), and lies in the school year of its entry date.
* Unpaired records are errors, never guessed: a withdrawal with no open
  spell before it (its entry is missing, or the student was withdrawn twice),
  and an entry while a spell is already open (a missing withdrawal, or a
  repeated record). The message names both the record and, for a second
  entry, the open spell's entry.
* Records pair within a school year (July 1 to June 30), since a spell lies
  in one: a student continuing from an earlier year has an entry record on
  the first day of the year, as a year-end rollover writes it. On one day, a
  withdrawal first closes the spell open before it, then an entry opens the
  next; a withdrawal left over on that day closes that one (a one-day spell).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sezp_roadmap.errors import Problem
from sezp_roadmap.periods import school_year_of


@dataclass(frozen=True)
class Record:
    student_id: str
    school_id: str
    date: dt.date
    kind: str  # entry or withdrawal
    fields: dict  # the record's other fields (grade, demographics), as the spell will hold them
    file: str
    row: int
    date_column: str


@dataclass(frozen=True)
class Spell:
    entry: Record
    exit: Record | None


def pair_spells(records: list[Record]) -> tuple[list[Spell], list[Problem]]:
    """Spells of the records, in the order their entries were read; and every unpaired record."""
    groups: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
    for record in records:
        groups[(record.student_id, record.school_id, school_year_of(record.date))].append(record)
    spells: list[Spell] = []
    problems: list[Problem] = []
    for group in groups.values():
        by_date: dict[dt.date, list[Record]] = defaultdict(list)
        for record in sorted(group, key=lambda r: (r.date, r.file, r.row)):
            by_date[record.date].append(record)
        open_entry: Record | None = None
        for day in sorted(by_date):
            entries = [r for r in by_date[day] if r.kind == "entry"]
            withdrawals = [r for r in by_date[day] if r.kind == "withdrawal"]
            # A withdrawal closes the spell open before its day; an entry then opens the next one;
            # a withdrawal left on the same day closes that one (a one-day spell).
            if open_entry is not None and withdrawals:
                spells.append(Spell(open_entry, withdrawals.pop(0)))
                open_entry = None
            for entry in entries:
                if open_entry is not None:
                    problems.append(_second_entry(entry, open_entry))
                    continue
                open_entry = entry
                if withdrawals:
                    spells.append(Spell(open_entry, withdrawals.pop(0)))
                    open_entry = None
            problems += [_lone_withdrawal(w) for w in withdrawals]
        if open_entry is not None:
            spells.append(Spell(open_entry, None))
    spells.sort(key=lambda s: (s.entry.file, s.entry.row))
    return spells, problems


def _second_entry(entry: Record, open_entry: Record) -> Problem:
    return _problem(
        entry,
        f"a second entry record while the spell entered on {open_entry.date} "
        f"({open_entry.file}, row {open_entry.row}) has no withdrawal",
        "a withdrawal record between two entries of a student at a school",
    )


def _lone_withdrawal(record: Record) -> Problem:
    return _problem(
        record,
        "a withdrawal record with no entry before it at this school in its school year",
        "an entry record of the student at this school on or before the withdrawal, in the same school year "
        "(a student continuing from an earlier year has an entry on the first day of the year)",
    )


def _problem(record: Record, message: str, expected: str) -> Problem:
    return Problem(
        file=record.file,
        row=record.row,
        column=record.date_column,
        value=record.date.isoformat(),
        message=message,
        expected=expected,
    )
