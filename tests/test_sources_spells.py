"""Entry and withdrawal records paired into spells: each documented rule on hand-made records."""

from __future__ import annotations

import datetime as dt

from sezp_roadmap.sources.spells import Record, pair_spells


def rec(kind: str, day: str, row: int, student: str = "s1", school: str = "A") -> Record:
    return Record(student, school, dt.date.fromisoformat(day), kind, {"grade": str(row)}, "enr.csv", row, "Date")


def pairs(spells) -> list[tuple[str, str | None]]:
    return [(s.entry.date.isoformat(), s.exit.date.isoformat() if s.exit else None) for s in spells]


def test_an_entry_and_its_withdrawal_make_a_spell_and_a_re_entry_opens_another():
    spells, problems = pair_spells(
        [rec("entry", "2025-09-02", 2), rec("withdrawal", "2025-10-10", 3), rec("entry", "2025-11-03", 4)]
    )
    assert problems == []
    assert pairs(spells) == [("2025-09-02", "2025-10-10"), ("2025-11-03", None)]
    # The spell keeps its entry record's fields.
    assert [s.entry.fields["grade"] for s in spells] == ["2", "4"]


def test_records_pair_whatever_their_order_in_the_file():
    spells, problems = pair_spells(
        [rec("withdrawal", "2025-10-10", 5), rec("entry", "2025-11-03", 6), rec("entry", "2025-09-02", 7)]
    )
    assert problems == []
    assert sorted(pairs(spells)) == [("2025-09-02", "2025-10-10"), ("2025-11-03", None)]


def test_a_withdrawal_and_a_re_entry_on_one_day_close_one_spell_and_open_the_next():
    spells, problems = pair_spells(
        [rec("entry", "2025-09-02", 2), rec("entry", "2025-10-10", 3), rec("withdrawal", "2025-10-10", 4)]
    )
    assert problems == []
    assert pairs(spells) == [("2025-09-02", "2025-10-10"), ("2025-10-10", None)]


def test_an_entry_and_a_withdrawal_on_one_day_are_a_one_day_spell():
    spells, problems = pair_spells([rec("withdrawal", "2025-09-05", 2), rec("entry", "2025-09-05", 3)])
    assert problems == []
    assert pairs(spells) == [("2025-09-05", "2025-09-05")]


def test_a_withdrawal_without_an_entry_is_an_error_naming_its_row():
    spells, problems = pair_spells([rec("withdrawal", "2025-10-10", 9), rec("entry", "2025-11-03", 10)])
    assert pairs(spells) == [("2025-11-03", None)]
    (problem,) = problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("enr.csv", 9, "Date", "2025-10-10")
    assert "no entry before it" in problem.message


def test_a_second_entry_while_a_spell_is_open_is_an_error_naming_both_records():
    spells, problems = pair_spells([rec("entry", "2025-09-02", 2), rec("entry", "2025-09-20", 3)])
    assert pairs(spells) == [("2025-09-02", None)]
    (problem,) = problems
    assert problem.row == 3 and "entered on 2025-09-02 (enr.csv, row 2)" in problem.message


def test_records_pair_within_a_school_year():
    """A spell lies in one school year: an entry left open in June is a spell to the year's end; July starts afresh."""
    spells, problems = pair_spells(
        [
            rec("entry", "2025-09-02", 2),
            rec("entry", "2026-08-31", 3),
            rec("withdrawal", "2026-10-01", 4),
            rec("withdrawal", "2027-09-15", 5),
        ]
    )
    assert pairs(spells) == [("2025-09-02", None), ("2026-08-31", "2026-10-01")]
    (problem,) = problems
    assert problem.row == 5


def test_students_and_schools_pair_separately():
    spells, problems = pair_spells(
        [
            rec("entry", "2025-09-02", 2, student="s1", school="A"),
            rec("withdrawal", "2025-10-01", 3, student="s1", school="B"),
            rec("entry", "2025-10-02", 4, student="s2", school="A"),
        ]
    )
    assert pairs(spells) == [("2025-09-02", None), ("2025-10-02", None)]
    assert [p.row for p in problems] == [3]
