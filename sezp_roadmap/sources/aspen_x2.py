"""Aspen X2: its bundled profile (aspen-x2.yaml), and the sample zone written as an X2 export set.

`write_sample` dresses the canonical sample zone in X2's clothes, so that a
build through the profile can be held against a build of the canonical files:

* `Student_Enrollment.csv`: an entry record (`E`) per spell and a withdrawal
  record (`W`) per exit, with the student's fields as X2 writes them
  (grade `07`, `KF`; `Free Lunch`; `FLEP`; race names and a Hispanic/Latino flag);
* `X2_Attendance.csv`: one row per exception with X2's flags
  (absent, tardy, dismissed, excused, portion absent 0.5, reason `Suspension`);
* `X2_Conduct.csv`: one row per action, action names as X2 districts name them;
* `X2_School_Calendar.xlsx`: the one workbook, two title lines above its header;

all CSVs in Windows-1252 with US dates (`09/02/2025`). The extracts X2 does
not hold are copied as they are, with `roadmap-profile.yaml` naming the profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

NAME = "aspen-x2"
PROFILE = Path(__file__).with_name("aspen-x2.yaml")

ENCODING = "windows-1252"
_RACE_NAMES = {
    "W": "White",
    "B": "Black",
    "A": "Asian",
    "N": "American Indian or Alaska Native",
    "P": "Native Hawaiian or Other Pacific Islander",
}
# A Hispanic student's race is not part of the DESE category; a multi-race student has two races.
_HISPANIC_RACE = "White"
_MULTI_RACE = "Black;White"
# canonical code -> absent, tardy, dismissed, excused, portion absent, reason
_ATTENDANCE_FLAGS = {
    "A": ("1", "0", "0", "0", "0.0000", ""),
    "AE": ("1", "0", "0", "1", "0.0000", ""),
    "AH": ("1", "0", "0", "0", "0.5000", ""),
    "AS": ("1", "0", "0", "0", "0.0000", "Suspension"),
    "T": ("0", "1", "0", "0", "0.0000", ""),
    "D": ("0", "0", "1", "0", "0.0000", ""),
}
_ACTION_NAMES = {
    "ISS": "In-School Suspension",
    "OSS": "Out-of-School Suspension",
    "EXP": "Expulsion",
    "ER": "Emergency Removal",
    "ALT": "Alternative Setting",
    "OTHER": "Other",
}
# The extracts the profile reads from X2's files; the others are copied.
_DRESSED = ("enrollment", "attendance", "discipline", "calendar")


def _us(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%m/%d/%Y") if iso else ""


def _grade(grade: str) -> str:
    return {"K": "KF", "PK": "PK"}.get(grade, grade.zfill(2))


def _lep(ell: str, former: str) -> str:
    if ell == "Y" and former == "Y":
        raise ValueError("a spell that is both EL and former EL has no X2 proficiency value")
    return "Limited" if ell == "Y" else "FLEP" if former == "Y" else "Fluent"


def _rows(path: Path):
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _writer(path: Path):
    handle = open(path, "w", encoding=ENCODING, newline="")  # noqa: SIM115 (closed by the caller)
    return handle, csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def _write_enrollment(source: Path, out: Path) -> None:
    handle, w = _writer(out / "Student_Enrollment.csv")
    w.writerow(
        [
            "local_id",
            "school_local_id",
            "enrollment_date",
            "enrollment_type",
            "grade",
            "gender",
            "race",
            "hispanic_latino",
            "limited_english_proficiency",
            "sped_placement",
            "free_reduced_lunch",
        ]
    )
    for r in _rows(source / "enrollment.csv"):
        code = r["race_ethnicity"]
        race = _HISPANIC_RACE if code == "H" else _MULTI_RACE if code == "M" else _RACE_NAMES[code]
        student = [
            _grade(r["grade"]),
            r["gender"],
            race,
            "1" if code == "H" else "0",
            _lep(r["ell"], r["former_ell"]),
            "Full Inclusion" if r["swd"] == "Y" else "NULL",
            "Free Lunch" if r["low_income"] == "Y" else "Not Eligible",
        ]
        w.writerow([r["student_id"], r["school_id"], _us(r["entry_date"]), "E", *student])
        if r["exit_date"]:
            w.writerow([r["student_id"], r["school_id"], _us(r["exit_date"]), "W", *student])
    handle.close()


def _write_attendance(source: Path, out: Path) -> None:
    handle, w = _writer(out / "X2_Attendance.csv")
    w.writerow(
        [
            "local_id",
            "school_local_id",
            "ATT_DATE",
            "ATT_ABSENT_IND",
            "ATT_TARDY_IND",
            "ATT_DISMISSED_IND",
            "ATT_EXCUSED_IND",
            "ATT_PORTION_ABSENT",
            "ATT_REASON_CODE",
        ]
    )
    for r in _rows(source / "attendance.csv"):
        w.writerow([r["student_id"], r["school_id"], _us(r["date"]), *_ATTENDANCE_FLAGS[r["code"]]])
    handle.close()


def _write_discipline(source: Path, out: Path) -> None:
    handle, w = _writer(out / "X2_Conduct.csv")
    w.writerow(
        [
            "incident_id",
            "local_id",
            "school_local_id",
            "event_date",
            "incident_code",
            "action_code",
            "action_penalty_time",
        ]
    )
    for r in _rows(source / "discipline.csv"):
        w.writerow(
            [
                r["incident_id"],
                r["student_id"],
                r["school_id"],
                _us(r["incident_date"]),
                r["offense"],
                _ACTION_NAMES[r["action"]],
                r["days_removed"],
            ]
        )
    handle.close()


def _write_calendar(source: Path, out: Path) -> None:
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("School Calendar")
    sheet.append(["School calendar dates"])
    sheet.append(["Exported from Aspen X2"])
    sheet.append(["school_local_id", "CSD_DATE"])
    for r in _rows(source / "calendar.csv"):
        sheet.append([r["school_id"], dt.datetime.fromisoformat(r["date"])])
    book.save(out / "X2_School_Calendar.xlsx")


def write_sample(canonical_dir: Path, out_dir: Path) -> list[str]:
    """The canonical sample in canonical_dir written as an X2 export set in out_dir; returns the files written."""
    canonical_dir, out_dir = Path(canonical_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_enrollment(canonical_dir, out_dir)
    _write_attendance(canonical_dir, out_dir)
    _write_discipline(canonical_dir, out_dir)
    _write_calendar(canonical_dir, out_dir)
    for path in sorted(canonical_dir.iterdir()):
        if path.is_file() and path.name.split(".")[0] not in _DRESSED:
            shutil.copy2(path, out_dir / path.name)
    (out_dir / "roadmap-profile.yaml").write_text(
        "# The files beside this one are Aspen X2 exports: read them through the bundled profile.\nbase: aspen-x2\n",
        encoding="utf-8",
    )
    return sorted(p.name for p in out_dir.iterdir())
