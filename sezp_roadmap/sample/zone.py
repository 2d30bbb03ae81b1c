"""A deterministic synthetic zone: the extracts of the data contract, made up (the state's figures borrowed).

`write_sample_zone` writes fictional schools and students that look like the
real Springfield Empowerment Zone, so the pipeline, its tests and its demos
run without any student data. Everything is fictional (school names, ids,
students); only school-level published figures are borrowed.

Calibration
-----------
Each fictional school borrows the figures of one real zone school from
`data/zone_calibration.csv` (DESE school profiles, 2023-24 and 2024-25): its
size, attendance rate, chronic (>= 10 %) and severe (>= 20 %) absence, share of
students with an ISS or an OSS, and race mix. School year 2024 follows
2023-24, 2025 follows 2024-25 and the running year follows 2024-25 with a
little noise. Zones larger than 13 schools cycle through the rows with jitter.

* Attendance is calibrated on the outcome, not on a daily probability: each
  student-spell gets an absence band (under 10 %, 10-20 %, 20 % and over) by
  exact allocation, so that among students with >= 20 membership days the
  school's chronic and severe shares are DESE's; then a rate inside its band,
  the rate of the lowest band being solved so that the school's attendance
  rate is DESE's. The number of absent half-days follows from the rate and the
  student's membership, and the days are drawn without replacement, weighted
  towards Mondays, Fridays and winter. Daily coin flips would have left the
  school figures a few points off by binomial noise alone.
* Discipline: the number of students with an OSS (an ISS) is DESE's share of
  the school's students, drawn with weights favouring frequently absent
  students; OSS days removed appear as `AS` codes on the following days.
* Demographics: race from the school's DESE mix; EL, former EL, students with
  disabilities and low income at the zone's published levels.

The state's figures
-------------------
`state_figures.csv` holds the DESE-published end-of-year figures of the real
schools the first 13 fictional schools borrow theirs from, for the real school
years they describe (2023-24 and 2024-25 with the default as-of date), and
`schools.csv` maps each such school to the real school's DESE code
(`state_school_id`). The pipeline reconciles the sample's own figures with
them (marts.state_reconciliation): most agree within tolerance, since the
sample is calibrated on them; a few differ, since average days absent is not a
calibration target (it follows from the attendance rate and the length of
each student's membership) and the allocation cannot hit every rate exactly.
No district or state rows: none were available from DESE's public pages to
this project, and none are made up.

Quirks planted on purpose
-------------------------
A real SIS export has them; the pipeline must report them as findings and
carry on. School index i is 0-based (S01 is 0), year index y counts from the
oldest school year (0). With the default zone (13 schools, 3 years) the counts
are fixed by the seed; see `tests/test_sample.py`.

* An absence dated a few school days after a student's withdrawal (or
  transfer out) from that school: one per school-year where
  (school index + year index) % 3 == 0.
* An absence dated a few school days before the student's (late or transfer)
  entry at that school, i.e. at a school where the student is enrolled that
  year but not that day: one per school-year where
  (school index + year index) % 3 == 1.
* An `ISS` action dated after the student's withdrawal from the school: one in
  the second school year of every school whose index is a multiple of 7.
* Two spells of one student in one year that disagree on demographics (a
  transfer or a re-entry where `low_income` or `ell` flips): about 15 % of
  second spells.
* Students with fewer than 20 membership days (one planted late arrival per
  school-year, plus early withdrawals).
* `exit_date` both empty and equal to the last day for students enrolled to
  the end of a complete year.
* One educator survey administration with fewer than 5 respondents, and one
  school-year with a spring family survey but no fall one.

Determinism and scale
---------------------
All randomness comes from `numpy.random.SeedSequence(seed)`: the stream of
school i, purpose p, year y is the child with spawn key (i, p, y), which is
what `SeedSequence(seed).spawn` hands out, so a school's draws do not depend
on how many schools there are or on the order work is done. Gzip is written
with mtime 0. Enrollment (a few records per student-year) is planned for the
whole zone first, because transfers and promotions link schools and years;
the student-day population (attendance) is generated, written and dropped one
school-year at a time, so memory stays bounded by the largest school.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.periods import date_in_school_year, school_year_end, school_year_of, school_year_start

# The sample's family survey is its families' answers (family_survey): a vendor's summary of them
# (family_survey_summary) is what a district has only when it has no answers, so the sample writes none.
NOT_IN_THE_SAMPLE = ("family_survey_summary",)
# Every extract the sample writes, with the contract's columns in the registry's order.
EXTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    name: extract.column_names for name, extract in EXTRACTS.items() if name not in NOT_IN_THE_SAMPLE
}
# Written as plain CSV even in a compressed zone: a few dozen rows a reader checks against the sources they name.
ALWAYS_PLAIN = {"state_figures"}

CALIBRATION_CSV = Path(__file__).parent.parent / "data" / "zone_calibration.csv"

# Random streams: the second element of a SeedSequence spawn key.
_S_PROFILE, _S_CALENDAR, _S_ROSTER, _S_PROMOTE, _S_ABSENCE, _S_DAYS, _S_DISCIPLINE, _S_SURVEY = range(8)

RACES = np.array([b"H", b"B", b"W", b"A", b"M", b"N", b"P"])
GENDERS = np.array([b"F", b"M", b"N"])
FLAGS = np.array([b"N", b"Y"])
# Attendance codes by their index in the code matrix (0 = no exception).
CODES = np.array([b"", b"A", b"AE", b"AH", b"AS", b"T", b"D"])
_A, _AE, _AH, _AS, _T, _D = 1, 2, 3, 4, 5, 6

# Student ids are a bijective scramble of a running number modulo 10**7
# (the multiplier is coprime to 10): fictional, stable, and about one in ten
# starts with "0", so a reader that drops leading zeros is caught.
_ID_DIGITS = 7
_ID_MULT, _ID_ADD = 3_861_217, 1_234_567

_FIRST_SCHOOLS = (
    "Riverside",
    "Maple Ridge",
    "Cedar Hill",
    "Harbor View",
    "Oakwood",
    "Summit Ridge",
    "Lakeside",
    "Pine Grove",
    "Stonebridge",
    "Meadowbrook",
    "Willow Creek",
    "Granite Park",
    "Brookfield",
)
_NAME_FIRST = (
    "Aspen",
    "Birch",
    "Cobble",
    "Dover",
    "Elm",
    "Fairview",
    "Glen",
    "Hawthorn",
    "Ivy",
    "Juniper",
    "Kestrel",
    "Laurel",
    "Mill",
    "North",
    "Orchard",
    "Prospect",
    "Quarry",
    "Ridgeway",
    "Spruce",
    "Tamarack",
    "Union",
    "Valley",
    "Walnut",
    "Westfield",
    "Yarrow",
    "Alder",
    "Beacon",
    "Clover",
    "Dogwood",
    "Evergreen",
    "Foxglove",
    "Greenleaf",
    "Heron",
    "Iron",
    "Jasper",
    "Kingsley",
    "Linden",
    "Magnolia",
    "Northgate",
    "Overlook",
    "Poplar",
    "Quincy",
    "Rowan",
    "Sycamore",
    "Thornton",
)
_NAME_SECOND = (
    "Hollow",
    "Heights",
    "Crossing",
    "Commons",
    "Fields",
    "Landing",
    "Point",
    "Square",
    "Terrace",
    "Park",
    "Brook",
    "Meadow",
    "Bend",
    "Grove",
    "Hill",
    "Harbor",
    "Springs",
    "Valley",
    "Woods",
    "Gate",
    "Ridge",
    "Shore",
    "Mill",
    "Station",
    "Falls",
    "Glen",
    "Knoll",
    "Lake",
    "Pines",
    "Run",
    "Dale",
    "Bluff",
    "Haven",
    "Ford",
    "Chase",
    "Court",
    "Way",
    "Green",
    "Vista",
    "Row",
)
_NAME_KIND = {
    "6-8": ("Middle School", "Preparatory Academy", "Middle Academy"),
    "9-12": ("Academy High School", "High School", "Early College High School"),
    "6-12": ("Collegiate Academy", "Academy", "Secondary School"),
}

OFFENSES = np.array(
    [b"Fighting", b"Disruption", b"Insubordination", b"Threat", b"Bullying", b"Vandalism", b"Substance", b"Theft"]
)
ACTIONS = np.array([b"ISS", b"OSS", b"EXP", b"ER", b"ALT", b"OTHER"])
_ISS, _OSS, _EXP, _ER, _ALT, _OTHER = range(6)
_FIGHTING = 0
_OFFENSE_P = {
    _ISS: (0.10, 0.35, 0.30, 0.02, 0.10, 0.05, 0.02, 0.06),
    _OSS: (0.38, 0.08, 0.08, 0.14, 0.10, 0.06, 0.10, 0.06),
    _EXP: (0.30, 0.0, 0.0, 0.30, 0.0, 0.0, 0.40, 0.0),
    _ER: (0.45, 0.05, 0.05, 0.35, 0.05, 0.0, 0.05, 0.0),
    _ALT: (0.35, 0.0, 0.0, 0.30, 0.05, 0.0, 0.30, 0.0),
    _OTHER: (0.05, 0.45, 0.30, 0.02, 0.08, 0.04, 0.01, 0.05),
}
_DAYS_REMOVED = {
    _ISS: ((0.5, 1.0, 2.0, 3.0), (0.15, 0.60, 0.20, 0.05)),
    _OSS: ((0.5, 1.0, 2.0, 3.0, 5.0, 10.0), (0.05, 0.35, 0.25, 0.20, 0.12, 0.03)),
    _EXP: ((10.0, 45.0, 90.0), (0.3, 0.4, 0.3)),
    _ER: ((1.0, 2.0), (0.7, 0.3)),
    _ALT: ((10.0, 20.0, 45.0), (0.4, 0.4, 0.2)),
    _OTHER: ((0.0,), (1.0,)),
}

EDUCATOR_DOMAINS = {
    "Instructional Culture Index": 0.0,
    "Learning Environment": 0.3,
    "Instructional Planning for Student Growth": -0.2,
    "Observation & Feedback": 0.1,
    "Peer Culture": 0.4,
    "Leadership": -0.1,
    "Professional Development": -0.4,
    "Evaluation": 0.0,
}
FAMILY_TOPICS = ("Communication", "School Climate", "Family Engagement", "Safety")
FAMILY_ITEMS_PER_TOPIC = 3
SQR_DOMAINS = {
    "Instruction": 4,
    "Tiered Supports": 3,
    "Culture and Climate": 4,
    "Family Engagement": 3,
    "Leadership and Collaboration": 3,
}

# The day (month, day) of the school year an administration or review takes
# place: it exists in a running year only once that day has passed as_of.
_EDUCATOR_ADMIN = {"fall": (10, 31), "spring": (4, 30)}
_FAMILY_ADMIN = {"fall": (11, 15), "spring": (5, 15)}
_SQR_REVIEW = {"winter": (1, 10)}


# --------------------------------------------------------------------------
# Calibration and school profiles
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """Published figures a school-year is generated to match (percents, 0-100)."""

    students: float
    attendance_rate: float
    chronic10: float
    chronic20: float
    oss: float
    iss: float
    race: tuple[float, ...]  # shares of H, B, W, A, M, N, P (sum 1)


@dataclass(frozen=True)
class SchoolProfile:
    """A fictional school and the real school-year figures it is calibrated to."""

    index: int
    school_id: str
    name: str
    grade_span: str
    grades: tuple[int, ...]
    dese_id: str
    calibration: dict[int, Calibration]  # by school_year
    size: dict[int, int]  # students per school_year
    # The real school's DESE rows for the school years they describe, where the
    # figures are borrowed unaltered (the first 13 schools): the sample's state_figures.csv.
    published: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def state_school_id(self) -> str:
        """The real school's DESE code where its figures are this school's, else empty (schools.state_school_id)."""
        return self.dese_id if self.published else ""


def load_calibration() -> list[dict[str, str]]:
    """Rows of `data/zone_calibration.csv` (public DESE school-level figures)."""
    with CALIBRATION_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _calibration_pairs() -> list[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(dese_id, grade_span, 2023-24 row, 2024-25 row) in the order schools use them.

    Round-robin over grade spans, largest school first, so that even a 3-school
    zone has a high school, a middle school and a 6-12 school.
    """
    by_id: dict[str, dict[str, dict[str, str]]] = {}
    for row in load_calibration():
        by_id.setdefault(row["dese_id"], {})[row["year"]] = row
    pairs = [(i, y["2024-25"]["grade_span"], y["2023-24"], y["2024-25"]) for i, y in sorted(by_id.items())]
    queues = {
        span: sorted((p for p in pairs if p[1] == span), key=lambda p: -float(p[3]["students"]))
        for span in ("9-12", "6-8", "6-12")
    }
    ordered = []
    while any(queues.values()):
        for span in ("9-12", "6-8", "6-12"):
            if queues[span]:
                ordered.append(queues[span].pop(0))
    return ordered


def _calibration(row: dict[str, str], rng: np.random.Generator | None) -> Calibration:
    """A DESE row as a Calibration; with rng, jittered (schools beyond the 13th)."""
    race = np.array(
        [float(row[k] or 0) for k in ("pct_hispanic", "pct_black", "pct_white", "pct_asian", "pct_multirace")]
    )
    # DESE rounds and leaves out American Indian and Pacific Islander students;
    # keep a trace of both so the codes occur.
    race = np.append(race / 100, [0.003, 0.001])
    att, c10, c20 = float(row["attendance_rate"]), float(row["pct_chronic_10"]), float(row["pct_chronic_20"])
    oss, iss = float(row["pct_oss"]), float(row["pct_iss"])
    students = float(row["students"])
    if rng is not None:
        students *= rng.uniform(0.8, 1.2)
        att = float(np.clip(att + rng.normal(0, 0.8), 83.0, 97.0))
        c10 = float(np.clip(c10 * rng.uniform(0.85, 1.15), 4.0, 65.0))
        c20 = float(np.clip(c20 * rng.uniform(0.85, 1.15), 0.2, c10 * 0.6))
        oss, iss = oss * rng.uniform(0.8, 1.2), iss * rng.uniform(0.8, 1.2)
        race = rng.dirichlet(race * 200 + 0.05)
    return Calibration(students, att, c10, c20, oss, iss, tuple(race / race.sum()))


def _running_year_calibration(last: Calibration, rng: np.random.Generator) -> Calibration:
    """The running year: last published year with a little noise."""
    att = float(np.clip(last.attendance_rate + rng.normal(0, 0.5), 80.0, 97.5))
    c10 = float(np.clip(last.chronic10 + rng.normal(0, 1.5), 3.0, 70.0))
    c20 = float(np.clip(last.chronic20 * rng.uniform(0.9, 1.1), 0.2, c10 * 0.6))
    return Calibration(
        last.students * rng.uniform(0.96, 1.04),
        att,
        c10,
        c20,
        last.oss * rng.uniform(0.9, 1.1),
        last.iss * rng.uniform(0.9, 1.1),
        last.race,
    )


def _school_name(i: int, span: str) -> str:
    kind = _NAME_KIND[span][(i // 2) % 3]
    if i < len(_FIRST_SCHOOLS):
        return f"{_FIRST_SCHOOLS[i]} {kind}"
    j = i - len(_FIRST_SCHOOLS)
    base = f"{_NAME_FIRST[j % len(_NAME_FIRST)]} {_NAME_SECOND[(j // len(_NAME_FIRST)) % len(_NAME_SECOND)]}"
    cycle = j // (len(_NAME_FIRST) * len(_NAME_SECOND))
    return f"{base} {kind}" + (f" {cycle + 1}" if cycle else "")


def school_years(as_of: date) -> tuple[int, int, int]:
    """The two complete school years before as_of's and the running one."""
    running = school_year_of(as_of)
    return running - 2, running - 1, running


def school_profiles(
    schools: int = 13, students: int = 5300, *, seed: int = 2026, as_of: date = date(2026, 1, 16)
) -> list[SchoolProfile]:
    """The fictional schools of a sample zone and the figures each is calibrated to.

    Tests use it to hold the generated files against the calibration.
    """
    pairs = _calibration_pairs()
    years = school_years(as_of)
    drafts = []
    for i in range(schools):
        dese_id, span, first, second = pairs[i % len(pairs)]
        rng = _rng(seed, i, _S_PROFILE)
        jitter = rng if i >= len(pairs) else None
        cal_first = _calibration(first, jitter)
        cal_second = _calibration(second, jitter)
        published = (
            {}
            if jitter is not None
            else {
                year: row
                for year, row in ((years[0], first), (years[1], second))
                if _school_year_of(row["year"]) == year
            }
        )
        drafts.append(
            (
                dese_id,
                span,
                {
                    years[0]: cal_first,
                    years[1]: cal_second,
                    years[2]: _running_year_calibration(cal_second, rng),
                },
                published,
            )
        )
    # Sizes are proportional to DESE's student counts, scaled so the zone has
    # `students` students in the last published year.
    scale = students / sum(c[years[1]].students for _, _, c, _ in drafts)
    width = 2 if schools <= 13 else 4
    profiles = []
    for i, (dese_id, span, cal, published) in enumerate(drafts):
        low, high = (int(g) for g in span.split("-"))
        profiles.append(
            SchoolProfile(
                index=i,
                school_id=f"S{i + 1:0{width}d}",
                name=_school_name(i, span),
                grade_span=span,
                grades=tuple(range(low, high + 1)),
                dese_id=dese_id,
                calibration=cal,
                size={y: max(10, round(c.students * scale)) for y, c in cal.items()},
                published=published,
            )
        )
    return profiles


def _school_year_of(dese_year: str) -> int:
    """DESE's `2024-25` is school_year 2025 of the data contract."""
    return int(dese_year[:4]) + 1


# The sample's state_figures.csv: which calibration column holds each metric, and the DESE report it comes from.
STATE_FIGURE_COLUMNS = {
    "attendance_rate": "attendance_rate",
    "avg_days_absent": "avg_absences",
    "chronic_absence_rate": "pct_chronic_10",
    "severe_absence_rate": "pct_chronic_20",
    "iss_rate": "pct_iss",
    "oss_rate": "pct_oss",
}
_ATTENDANCE_SOURCE = (
    "DESE School and District Profiles, Student Attendance {year}, End of Year, all students "
    "(profiles.doe.mass.edu/profiles/student.aspx?orgcode={code}&orgtypecode=6&leftNavId=16817)"
)
_DISCIPLINE_SOURCE = (
    "DESE Student Discipline Data Report {year}, all offenses, all students "
    "(profiles.doe.mass.edu/ssdr/default.aspx?orgcode={code}&fycode={school_year})"
)


def state_figure_rows(profiles: list[SchoolProfile]) -> list[list[str]]:
    """The DESE-published figures of the real schools the sample's schools borrow theirs from (state_figures.csv)."""
    rows = []
    for profile in profiles:
        for year, row in sorted(profile.published.items()):
            for metric, column in STATE_FIGURE_COLUMNS.items():
                if not row[column]:  # not published (DESE suppresses small counts)
                    continue
                source = _DISCIPLINE_SOURCE if metric in ("iss_rate", "oss_rate") else _ATTENDANCE_SOURCE
                rows.append(
                    [
                        str(year),
                        profile.dese_id,
                        "all",
                        metric,
                        row[column],
                        source.format(year=row["year"], code=profile.dese_id, school_year=year),
                    ]
                )
    return rows


def _rng(seed: int, school: int, stream: int, year: int = 0) -> np.random.Generator:
    # Identical to SeedSequence(seed).spawn(...)[school].spawn(...)[stream]
    # .spawn(...)[year]: independent of the zone's size and of work order.
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(school, stream, year)))


# --------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based; -1 = last) weekday (Mon=0) of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holidays(school_year: int) -> set[date]:
    """Massachusetts public-school holidays and vacations of a school year."""
    fall, spring = school_year - 1, school_year
    thanksgiving = _nth_weekday(fall, 11, 3, 4)
    presidents = _nth_weekday(spring, 2, 0, 3)
    patriots = _nth_weekday(spring, 4, 0, 3)
    days = {
        _nth_weekday(fall, 9, 0, 1),  # Labor Day
        _nth_weekday(fall, 10, 0, 2),  # Indigenous Peoples' Day
        date(fall, 11, 11),  # Veterans Day
        thanksgiving,
        thanksgiving + timedelta(days=1),
        _nth_weekday(spring, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(spring, 5, 0, -1),  # Memorial Day
        date(spring, 6, 19),  # Juneteenth
    }
    day = date(fall, 12, 24)
    while day <= date(spring, 1, 1):  # winter break
        days.add(day)
        day += timedelta(days=1)
    days.update(presidents + timedelta(days=k) for k in range(5))  # February vacation
    days.update(patriots + timedelta(days=k) for k in range(5))  # April vacation
    return days


def _day_number(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def _candidate_days(school_year: int) -> tuple[np.ndarray, int]:
    """Weekdays that are not holidays from mid-August to June 30, and the index
    of the zone's usual first day (the Wednesday before Labor Day)."""
    holidays = _holidays(school_year)
    days = np.arange(_day_number(date(school_year - 1, 8, 15)), _day_number(date(school_year, 6, 30)) + 1)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    keep = weekday < 5
    keep &= ~np.isin(days, [_day_number(h) for h in holidays])
    days = days[keep]
    first = _day_number(_nth_weekday(school_year - 1, 9, 0, 1) - timedelta(days=5))
    return days, int(np.searchsorted(days, first))


def _school_calendar(candidates: np.ndarray, usual_start: int, rng: np.random.Generator) -> np.ndarray:
    """180 school days of one school: autonomous schools start a day or two
    apart and add their own professional-development days off."""
    start = usual_start + int(rng.choice([-2, -1, 0, 0, 0, 1]))
    days = candidates[start:]
    pd_days = int(rng.choice([0, 0, 1, 1, 2]))
    if pd_days:
        months = (days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12) + 1
        choices = np.flatnonzero(np.isin(months, [10, 11, 1, 3]))
        days = np.delete(days, rng.choice(choices, size=pd_days, replace=False))
    return days[:180]


# --------------------------------------------------------------------------
# Enrollment planning (whole zone, a few records per student-year)
# --------------------------------------------------------------------------

Cols = dict[str, np.ndarray]
_STUDENT_KEYS = ("sid", "grade", "race", "gender", "ell", "fell", "swd", "li")


def _take(cols: Cols, idx) -> Cols:
    return {k: v[idx] for k, v in cols.items()}


_DTYPES = {
    "sid": np.int64,
    "grade": np.int8,
    "race": np.int8,
    "gender": np.int8,
    "ell": bool,
    "fell": bool,
    "swd": bool,
    "li": bool,
    "school": np.int32,
    "entry": np.int64,
    "exit": np.int64,
    "to_end": bool,
    "blank": bool,
}


def _concat(parts: list[Cols | None], keys) -> Cols:
    parts = [p for p in parts if p is not None]
    return {k: np.concatenate([np.zeros(0, _DTYPES[k]), *(p[k] for p in parts)]).astype(_DTYPES[k]) for k in keys}


# One school enrols mostly English learners (a newcomer program), so that every report is
# exercised where English learners are most of the school, not one group among others.
MOSTLY_ENGLISH_LEARNERS = "S12"


def _new_students(profile: SchoolProfile, school_year: int, grades: np.ndarray, first_sid: int, rng) -> Cols:
    """Students new to the zone, with the school's demographic mix."""
    n = len(grades)
    cal = profile.calibration[school_year]
    hispanic = cal.race[0]
    # 22-28 % in this zone's schools; about 70 % in the newcomer school.
    ell_share = 0.70 if profile.school_id == MOSTLY_ENGLISH_LEARNERS else 0.10 + 0.20 * hispanic
    ell = rng.random(n) < ell_share
    fell = ~ell & (rng.random(n) < 0.13)
    return {
        "sid": first_sid + np.arange(n, dtype=np.int64),
        "grade": grades.astype(np.int8),
        "race": rng.choice(len(RACES), size=n, p=cal.race).astype(np.int8),
        "gender": rng.choice(3, size=n, p=(0.485, 0.508, 0.007)).astype(np.int8),
        "ell": ell,
        "fell": fell,
        "swd": rng.random(n) < rng.uniform(0.18, 0.24),
        "li": rng.random(n) < 0.68 + 0.16 * hispanic,
    }


def _flip_demographics(students: Cols, rng) -> Cols:
    """A second spell whose record disagrees with the first about 15 % of the
    time (low income mostly, EL status sometimes): SIS records drift."""
    out = {k: v.copy() for k, v in students.items()}
    n = len(out["sid"])
    flip = rng.random(n) < 0.15
    ell_flip = flip & (rng.random(n) < 0.3)
    out["li"] = np.where(flip & ~ell_flip, ~out["li"], out["li"])
    out["fell"] = np.where(ell_flip & out["ell"], True, out["fell"])
    out["ell"] = np.where(ell_flip, ~out["ell"], out["ell"])
    return out


@dataclass
class _Zone:
    """What the enrollment planner knows about the zone."""

    profiles: list[SchoolProfile]
    years: tuple[int, ...]
    calendars: list[list[np.ndarray]]  # [school][year index] -> day numbers
    horizons: list[list[int]]  # [school][year index] -> school days on or before as_of
    grade_schools: dict[int, np.ndarray]  # grade -> schools offering it


def _roster(zone: _Zone, s: int, y: int, carried: Cols, next_sid: int, rng) -> tuple[Cols, np.ndarray]:
    """The school's students this year: those continuing plus new ones to fill
    every grade to the school's size. Returns the roster and an is-new mask."""
    profile = zone.profiles[s]
    target = profile.size[zone.years[y]]
    grades = np.array(profile.grades)
    per_grade = target / len(grades)
    # More students arriving in a grade than it has seats: the extra ones
    # enroll elsewhere (outside the zone).
    seats = int(np.ceil(1.04 * per_grade))
    keep = []
    for g in grades:
        in_grade = np.flatnonzero(carried["grade"] == g)
        if len(in_grade) > seats:
            in_grade = np.sort(rng.choice(in_grade, size=seats, replace=False))
        keep.append(in_grade)
    carried = _take(carried, np.sort(np.concatenate(keep)))
    if y == 0:
        need = np.full(len(grades), int(per_grade))
        need[: target - need.sum()] += 1
    else:
        have = np.array([(carried["grade"] == g).sum() for g in grades])
        need = np.maximum(0, np.round(per_grade - have)).astype(int)
    new = _new_students(profile, zone.years[y], np.repeat(grades, need), next_sid, rng)
    roster = _concat([carried, new], _STUDENT_KEYS)
    is_new = np.r_[np.zeros(len(carried["sid"]), bool), np.ones(len(new["sid"]), bool)]
    return roster, is_new


def _spells(
    students: Cols, school: int, entry: np.ndarray, exit_: np.ndarray, to_end: np.ndarray, blank: np.ndarray
) -> Cols:
    out = dict(students)
    n = len(students["sid"])
    out.update(
        school=np.full(n, school, np.int32),
        entry=entry.astype(np.int64),
        exit=exit_.astype(np.int64),
        to_end=to_end.astype(bool),
        blank=blank.astype(bool),
    )
    return out


_SPELL_KEYS = (*_STUDENT_KEYS, "school", "entry", "exit", "to_end", "blank")


def _plan_year(zone: _Zone, s: int, y: int, roster: Cols, is_new: np.ndarray, rng) -> tuple[Cols, Cols | None]:
    """Enrollment spells of one school-year and the transfers out of it.

    Events happen only on days up to as_of (the horizon): in the running year
    they are scaled to the share of the year already past.
    """
    cal, h = zone.calendars[s][y], zone.horizons[s][y]
    n, ndays = len(roster["sid"]), len(cal)
    complete = h == ndays
    frac = h / ndays
    entry = np.zeros(n, np.int64)
    exit_ = np.full(n, ndays - 1, np.int64)
    to_end = np.ones(n, bool)

    u = rng.random(n)
    withdraw = u < 0.055 * frac
    transfer = (u >= 0.055 * frac) & (u < 0.080 * frac)
    reenter = (u >= 0.080 * frac) & (u < 0.086 * frac) & (h >= 45)
    movable = np.array([len(zone.grade_schools.get(g, ())) > 1 for g in range(13)])
    can_move = movable[roster["grade"]]
    withdraw |= transfer & ~can_move
    transfer &= can_move
    leaves = withdraw | transfer
    if h >= 8:
        exit_[leaves] = rng.integers(3, h - 2, size=leaves.sum())
    else:
        leaves[:] = withdraw[:] = transfer[:] = False
    to_end[leaves] = False

    # Late entries: new students arriving in October to December.
    months = (cal[:h].astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12) + 1
    window = np.flatnonzero(np.isin(months, [10, 11, 12]))
    # In the first year every student is new to the generator, not to the
    # school: fewer of them arrive late.
    late = is_new & ~leaves & ~reenter & (rng.random(n) < (0.12 if y else 0.04))
    if len(window):
        entry[late] = rng.choice(window, size=late.sum())
    # One planted arrival in the last weeks: fewer than 20 membership days.
    short = np.flatnonzero(is_new & ~leaves & ~reenter & ~late)
    if len(short) and h >= 30:
        entry[short[0]] = h - int(rng.integers(4, 15))

    # Re-entries: out for one to four weeks, back at the same school.
    r_idx = np.flatnonzero(reenter)
    if len(r_idx):
        exit_[r_idx] = rng.integers(10, h - 30, size=len(r_idx))
        back = exit_[r_idx] + rng.integers(5, 21, size=len(r_idx))
    to_end[r_idx] = False

    blank = to_end & ((rng.random(n) < 0.95) | ~complete)
    first = _spells(roster, s, cal[entry], cal[exit_], to_end, blank)
    parts = [first]
    if len(r_idx):
        again = _flip_demographics(_take(roster, r_idx), rng)
        ends = np.full(len(r_idx), ndays - 1)
        again_blank = (rng.random(len(r_idx)) < 0.95) | ~complete
        parts.append(_spells(again, s, cal[back], cal[ends], np.ones(len(r_idx), bool), again_blank))

    transfers = None
    t_idx = np.flatnonzero(transfer)
    if len(t_idx):
        transfers = _flip_demographics(_take(roster, t_idx), rng)
        dest = np.empty(len(t_idx), np.int32)
        for k, g in enumerate(roster["grade"][t_idx]):
            options = zone.grade_schools[int(g)]
            options = options[options != s]
            dest[k] = options[rng.integers(len(options))]
        transfers.update(
            dest=dest,
            left=cal[exit_[t_idx]],
            gap=rng.integers(1, 6, size=len(t_idx)),
            blank=rng.random(len(t_idx)) < 0.95,
        )
    return _concat(parts, _SPELL_KEYS), transfers


def _arrivals_by_school(zone: _Zone, y: int, moving: list[Cols]) -> dict[int, Cols]:
    """Transfers of the year grouped by destination (in source-school order)."""
    if not moving:
        return {}
    everyone = {k: np.concatenate([m[k] for m in moving]) for k in moving[0]}
    order = np.argsort(everyone["dest"], kind="stable")
    everyone = _take(everyone, order)
    dests, first = np.unique(everyone["dest"], return_index=True)
    bounds = np.r_[first, len(order)]
    out = {}
    for k, dest in enumerate(dests):
        spells = _arrivals(zone, y, _take(everyone, slice(bounds[k], bounds[k + 1])), int(dest))
        if spells is not None:
            out[int(dest)] = spells
    return out


def _arrivals(zone: _Zone, y: int, arriving: Cols, dest: int) -> Cols | None:
    """Spells at the destination of transfers: entry a few of its school days
    after the exit at the other school, same grade, to the end of the year."""
    cal, h = zone.calendars[dest][y], zone.horizons[dest][y]
    pos = np.searchsorted(cal, arriving["left"], side="right") + arriving["gap"] - 1
    ok = pos < h
    if not ok.any():
        return None
    arriving = _take(arriving, ok)
    pos = pos[ok]
    n = len(pos)
    complete = h == len(cal)
    students = {k: arriving[k] for k in _STUDENT_KEYS}
    return _spells(students, dest, cal[pos], np.full(n, cal[-1]), np.ones(n, bool), arriving["blank"] | (not complete))


def _promote(zone: _Zone, s: int, y: int, stayers: Cols, rng, carry: list[list[Cols]]) -> None:
    """Next year's place of the students who finished the year at school s:
    up one grade (a few repeat it), 12th graders graduate, students past the
    school's top grade move to a zone school with the next grade or leave the
    zone, and some move away over the summer."""
    n = len(stayers["sid"])
    if not n:
        return
    nxt = {k: v.copy() for k, v in stayers.items()}
    retained = rng.random(n) < 0.03
    nxt["grade"] = np.where(retained, nxt["grade"], nxt["grade"] + 1).astype(np.int8)
    stays = rng.random(n) >= 0.07
    reclassified = nxt["ell"] & (rng.random(n) < 0.05)
    nxt["ell"] = nxt["ell"] & ~reclassified
    nxt["fell"] = nxt["fell"] | reclassified
    nxt["li"] = np.where(rng.random(n) < 0.03, ~nxt["li"], nxt["li"])
    top = max(zone.profiles[s].grades)
    here = stays & (nxt["grade"] <= top)
    carry[s].append(_take(nxt, here))
    onward = stays & (nxt["grade"] > top) & (nxt["grade"] <= 12) & (rng.random(n) < 0.35)
    idx = np.flatnonzero(onward)
    if len(idx):
        dest = np.array(
            [zone.grade_schools[int(g)][rng.integers(len(zone.grade_schools[int(g)]))] for g in nxt["grade"][idx]]
        )
        for d in np.unique(dest):
            carry[int(d)].append(_take(nxt, idx[dest == d]))


def _plan_enrollment(zone: _Zone, seed: int) -> list[list[Cols]]:
    """All enrollment spells, [school][year index], sorted by student and entry."""
    n_schools = len(zone.profiles)
    plan: list[list[Cols]] = [[None] * len(zone.years) for _ in range(n_schools)]
    carry: list[list[Cols]] = [[] for _ in range(n_schools)]
    next_sid = 0
    for y in range(len(zone.years)):
        own, moving = [], []
        for s in range(n_schools):
            rng = _rng(seed, s, _S_ROSTER, y)
            if zone.horizons[s][y] == 0:  # as_of before the first day: nobody enrolled yet
                own.append(None)
                moving.append(None)
                continue
            carried = _concat(carry[s], _STUDENT_KEYS)
            roster, is_new = _roster(zone, s, y, carried, next_sid, rng)
            next_sid += int(is_new.sum())
            spells, transfers = _plan_year(zone, s, y, roster, is_new, rng)
            own.append(spells)
            moving.append(transfers)
        arrivals = _arrivals_by_school(zone, y, [t for t in moving if t is not None])
        for s in range(n_schools):
            spells = _concat([own[s], arrivals.get(s)], _SPELL_KEYS)
            order = np.lexsort((spells["entry"], _scramble(spells["sid"])))
            plan[s][y] = _take(spells, order)
        if y + 1 < len(zone.years):
            carry = [[] for _ in range(n_schools)]
            last = _last_spells(plan, y)
            last = _take(last, np.flatnonzero(last["to_end"]))
            by_school = np.argsort(last["school"], kind="stable")
            bounds = np.searchsorted(last["school"][by_school], np.arange(n_schools + 1))
            for s in range(n_schools):
                at_s = by_school[bounds[s] : bounds[s + 1]]
                _promote(zone, s, y, {k: last[k][at_s] for k in _STUDENT_KEYS}, _rng(seed, s, _S_PROMOTE, y), carry)
    if next_sid >= 10**_ID_DIGITS:
        raise ValueError("too many students for 7-digit ids")
    return plan


def _last_spells(plan: list[list[Cols]], y: int) -> Cols:
    """Each student's last spell of year y anywhere in the zone."""
    spells = _concat([plan[s][y] for s in range(len(plan))], _SPELL_KEYS)
    order = np.lexsort((spells["entry"], spells["sid"]))
    spells = _take(spells, order)
    last = np.r_[spells["sid"][1:] != spells["sid"][:-1], True] if len(order) else np.zeros(0, bool)
    return _take(spells, last)


def _scramble(sid: np.ndarray) -> np.ndarray:
    return (sid.astype(np.int64) * _ID_MULT + _ID_ADD) % 10**_ID_DIGITS


# --------------------------------------------------------------------------
# Attendance and discipline (one school-year at a time)
# --------------------------------------------------------------------------


def _absence_targets(n_mem: np.ndarray, cal: Calibration, rng) -> tuple[np.ndarray, np.ndarray]:
    """Per spell: the planned absence rate and the absent half-days.

    Bands by exact allocation among spells with >= 20 days (DESE's attending
    students), so chronic and severe shares match; the lowest band's mean is
    solved from the attendance rate. Half-day counts are clamped into the band
    with integer arithmetic (10 x absent >= membership, as docs/metrics.md).
    """
    n = len(n_mem)
    c10, c20 = cal.chronic10 / 100, cal.chronic20 / 100
    mean = 1 - cal.attendance_rate / 100
    band = np.zeros(n, np.int8)
    eligible = rng.permutation(np.flatnonzero(n_mem >= 20))
    k20, k10 = round(c20 * len(eligible)), round(c10 * len(eligible))
    band[eligible[:k20]] = 2
    band[eligible[k20:k10]] = 1
    short = np.flatnonzero(n_mem < 20)
    u = rng.random(len(short))
    band[short] = np.where(u < c20, 2, np.where(u < c10, 1, 0))

    mu_chronic, mu_severe = 0.1 + 0.1 * 1.3 / 3.1, 0.30  # means of the two upper bands as drawn below
    mu_low = (mean - (c10 - c20) * mu_chronic - c20 * mu_severe) / max(1 - c10, 1e-6)
    if not 0.012 <= mu_low <= 0.07:
        mu_low = float(np.clip(mu_low, 0.012, 0.07))
        if c20 > 0:
            mu_severe = float(np.clip((mean - (1 - c10) * mu_low - (c10 - c20) * mu_chronic) / c20, 0.22, 0.7))
    low = 0.1 * rng.beta(4 * mu_low / 0.1, 4 * (1 - mu_low / 0.1), n)
    chronic = 0.1 + 0.1 * rng.beta(1.3, 1.8, n)
    severe = np.minimum(0.2 + rng.exponential(mu_severe - 0.2, n), 0.85)
    rate = np.choose(band, [low, chronic, severe])

    half_days = np.rint(2 * rate * n_mem).astype(np.int64)
    chronic_min = (n_mem + 4) // 5  # 10 x (H / 2) >= n  <=>  5H >= n
    severe_min = (2 * n_mem + 4) // 5
    half_days = np.where(band == 0, np.minimum(half_days, chronic_min - 1), half_days)
    half_days = np.where(band == 1, np.clip(half_days, chronic_min, severe_min - 1), half_days)
    half_days = np.where(band == 2, np.clip(half_days, severe_min, np.maximum(severe_min, (9 * n_mem) // 5)), half_days)
    return rate, np.maximum(half_days, 0)


def _pick(n: int, k: int, weights: np.ndarray, rng) -> np.ndarray:
    """k of n items without replacement, weighted (exponential race)."""
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, np.int64)
    keys = rng.exponential(size=n) / weights
    return np.sort(np.argpartition(keys, k - 1)[:k])


def _discipline_events(start, end, sid, weights, cal: Calibration, frac: float, rng) -> Cols:
    """Disciplinary actions of one school-year, one row per action.

    Shares of students with an OSS and an ISS follow DESE; in the running year
    they are scaled to the part of the year already past. Some fights involve
    two or three students (all with an OSS already, so the share is kept) and
    some students get two actions in one incident (ER or OTHER beside an OSS).
    """
    n = len(start)
    share = frac**0.8
    chosen = {
        _OSS: _pick(n, round(cal.oss / 100 * share * n), weights, rng),
        _ISS: _pick(n, round(cal.iss / 100 * share * n), weights, rng),
        _OTHER: _pick(n, round(0.06 * share * n), weights, rng),
        _ER: _pick(n, round(0.01 * share * n), weights, rng),
        _EXP: _pick(n, int(rng.random() < 0.10 * share), weights, rng),
        _ALT: _pick(n, int(rng.random() < 0.15 * share), weights, rng),
    }
    spell, action = [], []
    for act, who in chosen.items():
        repeats = 1 + rng.poisson(0.45 * share, len(who)) if act in (_OSS, _ISS) else np.ones(len(who), np.int64)
        spell.append(np.repeat(who, repeats))
        action.append(np.full(repeats.sum(), act))
    spell, action = np.concatenate(spell), np.concatenate(action)
    day = start[spell] + (rng.random(len(spell)) * (end[spell] - start[spell] + 1)).astype(np.int64)
    offense = np.zeros(len(spell), np.int64)
    for act in _OFFENSE_P:
        sel = action == act
        offense[sel] = rng.choice(len(OFFENSES), size=sel.sum(), p=_OFFENSE_P[act])
    incident = np.arange(len(spell))

    extra_spell, extra_action, extra_incident = [], [], []
    oss_pool = chosen[_OSS]
    for k in np.flatnonzero((action == _OSS) & (offense == _FIGHTING)):
        if rng.random() >= 0.35:
            continue
        present = oss_pool[(start[oss_pool] <= day[k]) & (end[oss_pool] >= day[k]) & (sid[oss_pool] != sid[spell[k]])]
        others = rng.permutation(present)[: 1 + int(rng.random() < 0.3)]
        extra_spell += list(others)
        extra_action += [_OSS] * len(others)
        extra_incident += [k] * len(others)
    for k in np.flatnonzero(action == _OSS):
        u = rng.random()
        if u < 0.14:
            extra_spell.append(spell[k])
            extra_action.append(_OTHER if u < 0.10 else _ER)
            extra_incident.append(k)
    if extra_spell:
        extra_incident = np.array(extra_incident)
        spell = np.r_[spell, extra_spell]
        action = np.r_[action, extra_action]
        day = np.r_[day, day[extra_incident]]
        offense = np.r_[offense, offense[extra_incident]]
        incident = np.r_[incident, extra_incident]

    days_removed = np.zeros(len(spell))
    for act, (values, p) in _DAYS_REMOVED.items():
        sel = action == act
        days_removed[sel] = rng.choice(values, size=sel.sum(), p=p)
    return {
        "spell": spell,
        "day": day,
        "action": action,
        "offense": offense,
        "days": days_removed,
        "incident": incident,
    }


def _suspension_days(events: Cols, end: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Days out of school after each OSS: AS on the next whole days of the
    student's membership, AH on the day after them for a half day.

    A suspension stops short of the student's next incident (they were back
    in school that day), so no incident is dated on an AS day; days_removed
    keeps what was decided, as real records do.
    """
    h = shape[1]
    suspended, half = np.zeros(shape, bool), np.zeros(shape, bool)
    incident_keys = np.unique(events["spell"] * h + events["day"])
    oss = events["action"] == _OSS
    spell, day, days = events["spell"][oss], events["day"][oss], events["days"][oss]
    following = np.searchsorted(incident_keys, spell * h + day, side="right")
    next_key = np.append(incident_keys, -1)[following]
    next_day = np.where(next_key // h == spell, next_key % h, h)
    limit = np.minimum(end[spell], next_day - 1)
    whole = np.floor(days).astype(np.int64)
    rows = np.repeat(np.arange(len(spell)), whole)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(whole) - whole, whole) + 1
    cols = day[rows] + offset
    ok = cols <= limit[rows]
    suspended[spell[rows][ok], cols[ok]] = True
    has_half = days > whole
    cols = day[has_half] + whole[has_half] + 1
    ok = cols <= limit[has_half]
    half[spell[has_half][ok], cols[ok]] = True
    return suspended, half & ~suspended


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Absences are likelier on Mondays and Fridays and in winter."""
    weekday = (days + 3) % 7
    month = (days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12) + 1
    return (1 + 0.25 * np.isin(weekday, [0, 4])) * (1 + 0.15 * np.isin(month, [12, 1, 2]))


def _attendance_codes(start, end, half_days, blocked, suspended, half_suspended, weights, rng) -> np.ndarray:
    """The code matrix (spells x days, 0 = present) of one school-year."""
    n, h = blocked.shape
    cols = np.arange(h)
    member = (cols >= start[:, None]) & (cols <= end[:, None])
    available = member & ~blocked & ~suspended & ~half_suspended
    # What suspensions already cost comes off the planned absence.
    rest = np.maximum(0, half_days - 2 * suspended.sum(1) - half_suspended.sum(1))
    n_half = rest % 2 + 2 * rng.binomial(rest // 2, 0.04)
    n_full = (rest - n_half) // 2
    n_events = np.minimum(n_full + n_half, available.sum(1))
    n_half = np.minimum(n_half, n_events)

    keys = np.where(available, rng.exponential(size=(n, h)) / weights, np.inf)
    ordered = np.sort(keys, axis=1)
    rows = np.arange(n)
    last_event = np.where(n_events > 0, ordered[rows, np.maximum(n_events - 1, 0)], -np.inf)
    last_half = np.where(n_half > 0, ordered[rows, np.maximum(n_half - 1, 0)], -np.inf)
    absent = keys <= last_event[:, None]
    half = keys <= last_half[:, None]

    u = rng.random((n, h), dtype=np.float32)
    excused_share = rng.beta(2, 3, n).astype(np.float32)
    tardy = np.minimum(rng.gamma(1.0, 0.035, n), 0.4).astype(np.float32)
    dismissed = np.minimum(rng.gamma(0.8, 0.012, n), 0.2).astype(np.float32)

    code = np.zeros((n, h), np.int8)
    present = member & ~absent & ~suspended & ~half_suspended
    code[present & (u < tardy[:, None])] = _T
    code[present & (u >= tardy[:, None]) & (u < (tardy + dismissed)[:, None])] = _D
    code[absent] = np.where(u[absent] < np.broadcast_to(excused_share[:, None], (n, h))[absent], _AE, _A)
    code[half | half_suspended] = _AH
    code[suspended] = _AS
    return code


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _as_bytes(col, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A column as an (n, width) byte matrix and the mask of its used bytes."""
    if isinstance(col, bytes):
        width = max(len(col), 1)
        block = np.broadcast_to(np.frombuffer(col.ljust(width, b"\0"), np.uint8), (n, width))
        return block, np.broadcast_to(np.arange(width) < len(col), (n, width))
    col = np.ascontiguousarray(col)
    if col.dtype.kind != "S":
        col = col.astype("S")
    width = col.dtype.itemsize
    return col.view(np.uint8).reshape(n, width), np.arange(width) < np.strings.str_len(col)[:, None]


def _csv_lines(columns: list, n: int) -> bytes:
    """CSV lines from byte-string columns, without a Python loop per row.

    Only for values that never need quoting (ids, codes, dates, numbers and
    the module's own labels, none with a comma or a quote): a 900k-student zone
    has tens of millions of attendance rows, and the csv module would spend
    minutes on them.
    """
    if n == 0:
        return b""
    blocks, masks = [], []
    for j, col in enumerate(columns):
        block, mask = _as_bytes(col, n)
        blocks += [block, np.full((n, 1), ord("\n" if j == len(columns) - 1 else ","), np.uint8)]
        masks += [mask, np.ones((n, 1), bool)]
    return np.concatenate(blocks, axis=1)[np.concatenate(masks, axis=1)].tobytes()


def _int_text(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%d", values).astype("S")


def _zero_pad(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (np.asarray(values, np.int64)[:, None] // powers) % 10 + ord("0")
    return np.ascontiguousarray(digits.astype(np.uint8)).view(f"S{width}").ravel()


def _decimal_text(values: np.ndarray) -> np.ndarray:
    """Numbers with at most one decimal, without a trailing .0 on whole ones."""
    return np.array([f"{v:.1f}".removesuffix(".0") for v in np.round(values, 1)], dtype="S")


class _Sink:
    """The nine extract files, written in order and counted."""

    def __init__(self, out_dir: Path, compress: bool):
        self.rows = dict.fromkeys(EXTRACT_COLUMNS, 0)
        self.files = {}
        self.paths = {}
        for name, columns in EXTRACT_COLUMNS.items():
            plain, packed = out_dir / f"{name}.csv", out_dir / f"{name}.csv.gz"
            packs = compress and name not in ALWAYS_PLAIN
            self.paths[name] = packed if packs else plain
            # A stale file of the other form would be read too and duplicate rows.
            (plain if packs else packed).unlink(missing_ok=True)
            if packs:
                raw = open(packed, "wb")  # noqa: SIM115 (open for every row written; closed in close())
                # mtime 0 and a fixed name in the header: same bytes every run.
                # Level 4 is a quarter of level 6's time for 9 % more bytes,
                # which matters for a 900k-student zone.
                f = gzip.GzipFile(filename=f"{name}.csv", mode="wb", fileobj=raw, mtime=0, compresslevel=4)
                self.files[name] = (f, raw)
            else:
                self.files[name] = (open(plain, "wb"), None)  # noqa: SIM115 (closed in close())
            self.files[name][0].write((",".join(columns) + "\n").encode())

    def write(self, name: str, columns: list, n: int) -> None:
        if n:
            self.files[name][0].write(_csv_lines(columns, n))
            self.rows[name] += n

    def write_rows(self, name: str, rows: list[list]) -> None:
        """Small extracts: the csv module, which quotes where needed."""
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.files[name][0].write(buf.getvalue().encode())
        self.rows[name] += len(rows)

    def close(self) -> None:
        for name, (f, raw) in self.files.items():
            f.close()
            if raw is not None:
                raw.close()
            # A zone with no published figures (a school year DESE has not covered) has no state_figures file.
            if name == "state_figures" and not self.rows[name]:
                self.paths[name].unlink()


class _Dates:
    """Day number -> b'YYYY-MM-DD', by table lookup."""

    def __init__(self, first: int, last: int):
        self.first = first
        self.text = np.datetime_as_string(np.arange(first, last + 1).astype("datetime64[D]")).astype("S10")

    def __call__(self, days) -> np.ndarray:
        return self.text[np.asarray(days, np.int64) - self.first]


# --------------------------------------------------------------------------
# One school
# --------------------------------------------------------------------------


@dataclass
class _Quirks:
    """Which planted quirks a school-year carries (see the module docstring)."""

    absence_after_exit: bool
    absence_before_entry: bool
    discipline_after_exit: bool


def _quirks(s: int, y: int) -> _Quirks:
    return _Quirks((s + y) % 3 == 0, (s + y) % 3 == 1, s % 7 == 0 and y == 1)


def _left_for_good(spells: Cols) -> np.ndarray:
    """Spells after which the student has no later spell at this school and
    left before the horizon (withdrawals and transfers out)."""
    sid = spells["sid"]
    later_same = np.r_[sid[1:] == sid[:-1], False]
    return np.flatnonzero(~spells["to_end"] & ~later_same)


def _write_school_year(sink: _Sink, zone: _Zone, dates: _Dates, s: int, y: int, spells: Cols, seed: int) -> None:
    """Discipline and attendance of one school-year, quirks included."""
    profile = zone.profiles[s]
    year = zone.years[y]
    cal, h = zone.calendars[s][y], zone.horizons[s][y]
    n = len(spells["sid"])
    if n == 0 or h == 0:
        return
    cal_fig = profile.calibration[year]
    start = np.searchsorted(cal, spells["entry"])
    end = np.minimum(np.searchsorted(cal, spells["exit"], side="right") - 1, h - 1)
    n_mem = end - start + 1
    sid_text = _zero_pad(_scramble(spells["sid"]), _ID_DIGITS)
    quirks = _quirks(s, y)

    rng = _rng(seed, s, _S_DISCIPLINE, y)
    rate, half_days = _absence_targets(n_mem, cal_fig, _rng(seed, s, _S_ABSENCE, y))
    weights = 1 + 6 * rate + 0.5 * (spells["gender"] == 1) + 0.3 * spells["swd"]
    events = _discipline_events(start, end, spells["sid"], weights, cal_fig, h / len(cal), rng)
    suspended, half_suspended = _suspension_days(events, end, (n, h))
    blocked = np.zeros((n, h), bool)
    blocked[events["spell"], events["day"]] = True  # present on the day of an incident

    if quirks.discipline_after_exit:
        gone = [k for k in _left_for_good(spells) if end[k] + 1 < h]
        if gone:
            k = gone[int(rng.integers(len(gone)))]
            for key, value in (
                ("spell", k),
                ("day", end[k] + 1 + int(rng.integers(min(3, h - end[k] - 1)))),
                ("action", _ISS),
                ("offense", 1),
                ("days", 1.0),
                ("incident", events["incident"].max(initial=-1) + 1),
            ):
                events[key] = np.r_[events[key], value]
    _write_discipline(sink, profile, year, dates, cal, sid_text, events)

    arng = _rng(seed, s, _S_DAYS, y)
    code = _attendance_codes(start, end, half_days, blocked, suspended, half_suspended, _day_weights(cal[:h]), arng)
    rows, cols = np.nonzero(code)
    codes = code[rows, cols]
    extra_rows, extra_cols = [], []
    if quirks.absence_after_exit:
        gone = [k for k in _left_for_good(spells) if end[k] + 1 < h]
        if gone:
            k = gone[int(arng.integers(len(gone)))]
            extra_rows.append(k)
            extra_cols.append(end[k] + 1 + int(arng.integers(min(5, h - end[k] - 1))))
    if quirks.absence_before_entry:
        first_spell = np.r_[True, spells["sid"][1:] != spells["sid"][:-1]]
        late = np.flatnonzero(first_spell & (start >= 6))
        if len(late):
            k = late[int(arng.integers(len(late)))]
            extra_rows.append(k)
            extra_cols.append(start[k] - 1 - int(arng.integers(5)))
    if extra_rows:
        rows, cols = np.r_[rows, extra_rows], np.r_[cols, extra_cols]
        codes = np.r_[codes, np.full(len(extra_rows), _A, np.int8)]
        order = np.lexsort((cols, rows))
        rows, cols, codes = rows[order], cols[order], codes[order]
    sink.write("attendance", [sid_text[rows], profile.school_id.encode(), dates(cal[cols]), CODES[codes]], len(rows))


def _write_discipline(
    sink: _Sink, profile: SchoolProfile, year: int, dates: _Dates, cal, sid_text, events: Cols
) -> None:
    """Incidents numbered in date order, e.g. S01-2025-0001."""
    first_row = {}
    for r, inc in enumerate(events["incident"]):
        first_row.setdefault(int(inc), r)
    incidents = np.array(
        sorted(first_row, key=lambda i: (events["day"][first_row[i]], sid_text[events["spell"][first_row[i]]])),
        np.int64,
    )
    seq = np.empty(incidents.max(initial=-1) + 1, np.int64)
    seq[incidents] = np.arange(1, len(incidents) + 1)
    number = seq[events["incident"]]
    order = np.lexsort((events["action"], sid_text[events["spell"]], number))
    width = max(4, len(str(len(incidents))))
    ids = np.char.add(f"{profile.school_id}-{year}-".encode(), _zero_pad(number[order], width))
    e = {k: v[order] for k, v in events.items()}
    sink.write(
        "discipline",
        [
            ids,
            sid_text[e["spell"]],
            profile.school_id.encode(),
            dates(cal[e["day"]]),
            OFFENSES[e["offense"]],
            ACTIONS[e["action"]],
            _decimal_text(e["days"]),
        ],
        len(order),
    )


def _write_enrollment(sink: _Sink, zone: _Zone, dates: _Dates, s: int, plan: list[list[Cols]]) -> None:
    profile = zone.profiles[s]
    for y, year in enumerate(zone.years):
        sp = plan[s][y]
        n = len(sp["sid"])
        exit_text = np.where(sp["blank"], b"", dates(sp["exit"])) if n else np.zeros(0, "S10")
        sink.write(
            "enrollment",
            [
                _zero_pad(_scramble(sp["sid"]), _ID_DIGITS),
                profile.school_id.encode(),
                str(year).encode(),
                _int_text(sp["grade"]),
                dates(sp["entry"]),
                exit_text,
                RACES[sp["race"]],
                GENDERS[sp["gender"]],
                FLAGS[sp["ell"].astype(int)],
                FLAGS[sp["fell"].astype(int)],
                FLAGS[sp["swd"].astype(int)],
                FLAGS[sp["li"].astype(int)],
            ],
            n,
        )


def _happened(year: int, month_day: tuple[int, int], as_of: date) -> bool:
    return date_in_school_year(year, *month_day) <= as_of


def _write_surveys(sink: _Sink, zone: _Zone, s: int, seed: int, as_of: date) -> None:
    """Educator survey (TNTP Insight style), family survey, SQR and targets."""
    profile = zone.profiles[s]
    rng = _rng(seed, s, _S_SURVEY)
    n_schools = len(zone.profiles)
    # Planted: the 13th school (or the last of a smaller zone) has one tiny
    # educator administration, the 6th a year with a spring family survey only.
    tiny_school = s % 13 == 12 or (n_schools < 13 and s == n_schools - 1)
    spring_only_school = s % 13 == 5

    ici = float(np.clip(rng.normal(6.3, 1.0), 3.5, 8.8))
    domain_bias = {d: off + rng.normal(0, 0.4) for d, off in EDUCATOR_DOMAINS.items()}
    favorable = rng.uniform(0.62, 0.84)
    item_bias = rng.normal(0, 0.06, len(FAMILY_TOPICS) * FAMILY_ITEMS_PER_TOPIC)
    quality = rng.normal(2.5, 0.3)
    educator_rows, sqr_rows, target_rows = [], [], []
    for y, year in enumerate(zone.years):
        size = profile.size[year]
        ici += rng.normal(0.15, 0.3)
        staff = int(np.clip(round(size * 0.09), 15, 70))
        for admin, when in _EDUCATOR_ADMIN.items():
            if not _happened(year, when, as_of):
                continue
            respondents = max(15, round(staff * rng.uniform(0.85, 1.0)))
            if tiny_school and y == 0 and admin == "spring":
                respondents = 4
            level = ici + rng.normal(0, 0.2)
            for domain, bias in domain_bias.items():
                score = level if domain == "Instructional Culture Index" else level + bias + rng.normal(0, 0.25)
                educator_rows.append(
                    [profile.school_id, year, admin, domain, f"{np.clip(score, 0, 10):.1f}", respondents]
                )
        for admin, when in _FAMILY_ADMIN.items():
            if not _happened(year, when, as_of) or (spring_only_school and y == 1 and admin == "fall"):
                continue
            _write_family(sink, profile, year, admin, size, favorable + rng.normal(0, 0.03), item_bias, rng)
        for review, when in _SQR_REVIEW.items():
            if not _happened(year, when, as_of):
                continue
            quality += rng.normal(0.1, 0.15)
            for d, (domain, count) in enumerate(SQR_DOMAINS.items(), start=1):
                for k in range(1, count + 1):
                    rating = int(np.clip(np.rint(quality + rng.normal(0, 0.55)), 1, 4))
                    sqr_rows.append([profile.school_id, year, review, domain, f"{d}.{k}", rating])
        if y > 0:
            target_rows += _targets(profile, year, profile.calibration[zone.years[y - 1]], rng)
    sink.write_rows("educator_survey", educator_rows)
    sink.write_rows("sqr", sqr_rows)
    sink.write_rows("targets", target_rows)


def _write_family(
    sink: _Sink, profile: SchoolProfile, year: int, admin: str, size: int, favorable: float, item_bias, rng
) -> None:
    """One row per respondent and item; about 5 % of items skipped."""
    n = max(5, round(size * rng.uniform(0.10, 0.25)))
    items = len(item_bias)
    p = np.clip(favorable + item_bias[None, :] + rng.normal(0, 0.12, (n, 1)), 0.05, 0.98)
    fav = rng.random((n, items)) < p
    response = np.where(
        fav,
        rng.choice([4, 5], size=(n, items), p=(0.55, 0.45)),
        rng.choice([1, 2, 3], size=(n, items), p=(0.15, 0.30, 0.55)),
    )
    text = np.where(rng.random((n, items)) < 0.05, b"", np.array([b"", b"1", b"2", b"3", b"4", b"5"])[response])
    ids = np.array([f"F-{profile.school_id}-{year}-{admin}-{k:04d}" for k in range(1, n + 1)], dtype="S")
    item_ids = np.array([f"Q{k:02d}" for k in range(1, items + 1)], dtype="S")
    topics = np.array([t.encode() for t in FAMILY_TOPICS]).repeat(FAMILY_ITEMS_PER_TOPIC)
    sink.write(
        "family_survey",
        [
            ids.repeat(items),
            profile.school_id.encode(),
            str(year).encode(),
            admin.encode(),
            np.tile(item_ids, n),
            np.tile(topics, n),
            text.ravel(),
        ],
        n * items,
    )


def _targets(profile: SchoolProfile, year: int, prior: Calibration, rng) -> list[list]:
    """The TLT's targets: a few points better than last year's figures."""
    chronic = max(1.0, prior.chronic10 - rng.uniform(2, 5))
    attendance = min(97.5, prior.attendance_rate + rng.uniform(0.5, 2.0))
    oss = prior.oss * rng.uniform(0.7, 0.9)
    family, ici = rng.uniform(72, 85), rng.uniform(6.5, 8.0)
    subgroups = [("swd", chronic + rng.uniform(4, 8))]
    if rng.random() < 0.5:
        subgroups.append(("ell", chronic + rng.uniform(1, 4)))
    rows = []
    for period, factor in (("mid_year", 0.55), ("end_of_year", 1.0)):
        mid = period == "mid_year"
        values = [
            ("chronic_absence_rate", "all", chronic - (1.0 if mid else 0.0)),
            ("attendance_rate", "all", attendance + (0.3 if mid else 0.0)),
            ("oss_rate", "all", oss * factor),
            *(("chronic_absence_rate", g, v - (1.0 if mid else 0.0)) for g, v in subgroups),
            ("family_favorable", "all", family),
            ("educator_ici", "all", ici),
        ]
        rows += [[profile.school_id, year, period, metric, group, f"{value:.1f}"] for metric, group, value in values]
    return rows


# --------------------------------------------------------------------------
# The zone
# --------------------------------------------------------------------------


def _build_zone(profiles: list[SchoolProfile], seed: int, as_of: date) -> _Zone:
    years = school_years(as_of)
    as_of_day = _day_number(as_of)
    candidates = [_candidate_days(year) for year in years]
    calendars, horizons = [], []
    for p in profiles:
        cals = [
            _school_calendar(days, usual, _rng(seed, p.index, _S_CALENDAR, y))
            for y, (days, usual) in enumerate(candidates)
        ]
        calendars.append(cals)
        horizons.append([int(np.searchsorted(c, as_of_day, side="right")) for c in cals])
    grade_schools = {g: np.array([p.index for p in profiles if g in p.grades], np.int32) for g in range(6, 13)}
    return _Zone(profiles, years, calendars, horizons, grade_schools)


def write_sample_zone(
    out_dir: Path,
    *,
    seed: int = 2026,
    schools: int = 13,
    students: int = 5300,
    compress: bool = False,
    as_of: date = date(2026, 1, 16),
) -> dict[str, int]:
    """Write a synthetic zone's eleven extracts and `roadmap.yaml` into out_dir.

    Same arguments, same bytes. Returns the rows written per extract (headers
    not counted). Files are `<extract>.csv`, or `<extract>.csv.gz` with
    compress=True (the other form of the same extract is removed).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profiles = school_profiles(schools, students, seed=seed, as_of=as_of)
    zone = _build_zone(profiles, seed, as_of)
    plan = _plan_enrollment(zone, seed)
    dates = _Dates(_day_number(school_year_start(zone.years[0])), _day_number(school_year_end(zone.years[-1])))

    sink = _Sink(out_dir, compress)
    try:
        sink.write_rows("schools", [[p.school_id, p.name, p.grade_span, p.state_school_id] for p in profiles])
        sink.write_rows("state_figures", state_figure_rows(profiles))
        for s, profile in enumerate(profiles):
            for y, year in enumerate(zone.years):
                cal = zone.calendars[s][y]
                sink.write("calendar", [profile.school_id.encode(), str(year).encode(), dates(cal)], len(cal))
            _write_enrollment(sink, zone, dates, s, plan)
            for y in range(len(zone.years)):
                _write_school_year(sink, zone, dates, s, y, plan[s][y], seed)
            _write_surveys(sink, zone, s, seed, as_of)
        # Last, from streams of its own: the other extracts' bytes do not depend on it.
        from sezp_roadmap.sample.academics import write_assessments

        write_assessments(sink, zone, plan, dates, seed, as_of)
    finally:
        sink.close()

    (out_dir / "roadmap.yaml").write_text(
        "# Synthetic data: a fictional zone made by sezp_roadmap.sample"
        f" (seed {seed}, {schools} schools, {students} students); no real student.\n"
        f"as_of_date: {as_of.isoformat()}\n"
        "synthetic: true\n",
        encoding="utf-8",
    )
    return sink.rows
