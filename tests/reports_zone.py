"""A small, deterministic zone with every extract, for the report tests.

Three schools over two school years (2025 complete, 2026 running through
2026-01-16): Alpha Middle (60 students), Beta High (70) and Gamma Academy
(14 students, so that many of its subgroup cells are suppressed). Student ids
look like real SIS ids (seven digits) so the privacy test can search for them.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

AS_OF = dt.date(2026, 1, 16)
SCHOOLS = (("A", "Alpha Middle", "6-8", 60), ("B", "Beta High", "9-12", 70), ("C", "Gamma Academy", "6-8", 14))
YEARS = (2025, 2026)
GRADES = {"6-8": ("6", "7", "8"), "9-12": ("9", "10", "11", "12")}
EDUCATOR_DOMAINS = ("Instructional Culture Index", "Learning Environment", "Peer Culture")
FAMILY_ITEMS = (("q1", "Communication"), ("q2", "Communication"), ("q3", "School Safety"), ("q4", "School Safety"))
SQR_DOMAINS = ("Instruction", "Family Engagement")
# State figures of a fictional test district (09990000): Alpha and Beta have DESE codes, Gamma has none.
# The state's 2024 figures are older than its 2025 ones, which the pages must prefer.
STATE_CODES = {"A": "09990305", "B": "09990505"}
STATE_FIGURES = [
    (2025, "09990305", "all", "attendance_rate", 91.3, "test figures"),
    (2025, "09990305", "all", "chronic_absence_rate", 31.7, "test figures"),
    (2025, "09990305", "all", "oss_rate", 6.2, "test figures"),
    (2025, "09990505", "all", "attendance_rate", 90.1, "test figures"),
    (2025, "09990000", "all", "chronic_absence_rate", 36.4, "test figures"),
    (2025, "09990000", "all", "oss_rate", 7.7, "test figures"),
    (2024, "00000000", "all", "chronic_absence_rate", 19.9, "test figures"),
    (2025, "00000000", "all", "chronic_absence_rate", 19.1, "test figures"),
    (2025, "00000000", "all", "oss_rate", 2.6, "test figures"),
    (2025, "00000000", "hispanic", "chronic_absence_rate", 30.2, "test figures"),
]


def school_days(school_year: int) -> list[dt.date]:
    day, end, days = dt.date(school_year - 1, 9, 2), dt.date(school_year, 6, 15), []
    while day <= end:
        if day.weekday() < 5 and not (day.month == 12 and day.day > 22) and not (day.month == 1 and day.day < 2):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _csv(path: Path, header: str, rows: list[tuple]) -> None:
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in row) + "\n" for row in rows), encoding="utf-8")


def student_ids(folder: Path) -> set[str]:
    """Every student id of the zone written into folder."""
    lines = (folder / "enrollment.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",", 1)[0] for line in lines}


def write_report_zone(folder: Path, *, seed: int = 7, academics: bool = False) -> Path:
    """The zone's extracts; academics=True adds assessments.csv and an academic target (the other files unchanged)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _csv(
        folder / "schools.csv",
        "school_id,school_name,grade_span,state_school_id",
        [(s, name, span, STATE_CODES.get(s, "")) for s, name, span, _ in SCHOOLS],
    )
    _csv(folder / "state_figures.csv", "school_year,org_code,subgroup,metric,value,source", STATE_FIGURES)
    calendar, enrollment, attendance, discipline = [], [], [], []
    educator, family, sqr = [], [], []
    next_id = 7300101
    rosters = []
    for school, _, span, size in SCHOOLS:
        students = []
        for _ in range(size):
            students.append(
                {
                    "id": str(next_id),
                    "grade": rng.choice(GRADES[span]),
                    "race": rng.choice("HHHHBBWAM"),
                    "gender": rng.choice("FFMMN" if rng.random() < 0.05 else "FM"),
                    "flags": tuple(rng.random() < p for p in (0.25, 0.1, 0.2, 0.8)),
                    "propensity": rng.choice((0.02, 0.04, 0.07, 0.12, 0.25)),
                }
            )
            next_id += 1
        rosters.append((school, students))
        for year in YEARS:
            days = school_days(year)
            calendar += [(school, year, d) for d in days]
            for k, st in enumerate(students):
                # One late entry and one withdrawal per school and year.
                entry = days[30] if k == 0 else days[0]
                exit_ = days[60] if k == 1 else ""
                ell, former, swd, low = ("Y" if f else "N" for f in st["flags"])
                enrollment.append(
                    (st["id"], school, year, st["grade"], entry, exit_, st["race"], st["gender"], ell, former, swd, low)
                )
                last = days[60] if k == 1 else days[-1]
                for d in days:
                    if d < entry or d > last or d > AS_OF:
                        continue
                    draw = rng.random()
                    if draw < st["propensity"]:
                        attendance.append((st["id"], school, d, rng.choice(("A", "A", "AE", "AH"))))
                    elif draw < st["propensity"] + 0.02:
                        attendance.append((st["id"], school, d, "T"))
                # Students who miss more school are also suspended more often.
                for n_incident in range(3 if st["propensity"] >= 0.12 else 1):
                    if rng.random() < 0.35:
                        d = rng.choice([x for x in days if entry <= x <= min(last, AS_OF)])
                        action = rng.choice(("ISS", "OSS", "OTHER"))
                        removed = 0 if action == "OTHER" else rng.choice((0.5, 1, 2, 3))
                        discipline.append(
                            (f"{school}{year}{k:03d}{n_incident}", st["id"], school, d, "Disruption", action, removed)
                        )
            administrations = ("fall", "spring") if year == 2025 else ("fall",)
            for admin in administrations:
                respondents = 4 if school == "C" else rng.randint(18, 30)
                for domain in EDUCATOR_DOMAINS:
                    educator.append((school, year, admin, domain, round(rng.uniform(4.5, 8.5), 2), respondents))
                for r in range(4 if school == "C" else 16):
                    for item, topic in FAMILY_ITEMS:
                        answer = "" if rng.random() < 0.05 else rng.choice((2, 3, 4, 4, 5, 5))
                        family.append((f"{school}{year}{admin}{r:03d}", school, year, admin, item, topic, answer))
            for domain in SQR_DOMAINS:
                for indicator in ("1", "2"):
                    sqr.append((school, year, "winter", domain, f"{domain} {indicator}", rng.randint(1, 4)))
    # One exception on a Saturday at Alpha: a data-quality finding its pages list, never counted.
    attendance.append((enrollment[0][0], "A", dt.date(2025, 10, 4), "A"))
    if academics:
        _csv(folder / "assessments.csv", ASSESSMENT_HEADER, _assessments(rosters, random.Random(seed + 1)))
    _csv(folder / "calendar.csv", "school_id,school_year,date", calendar)
    _csv(
        folder / "enrollment.csv",
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income",
        enrollment,
    )
    _csv(folder / "attendance.csv", "student_id,school_id,date,code", attendance)
    _csv(
        folder / "discipline.csv",
        "incident_id,student_id,school_id,incident_date,offense,action,days_removed",
        discipline,
    )
    _csv(folder / "educator_survey.csv", "school_id,school_year,administration,domain,score,respondents", educator)
    _csv(
        folder / "family_survey.csv", "response_id,school_id,school_year,administration,item_id,topic,response", family
    )
    _csv(folder / "sqr.csv", "school_id,school_year,review,domain,indicator,rating", sqr)
    _csv(
        folder / "targets.csv",
        "school_id,school_year,period,metric,subgroup,target",
        [
            ("A", 2026, "mid_year", "chronic_absence_rate", "all", 20),
            ("A", 2026, "mid_year", "attendance_rate", "all", 94),
            ("B", 2026, "mid_year", "chronic_absence_rate", "all", 35),
            ("B", 2026, "end_of_year", "chronic_absence_rate", "swd", 30),
            *([("A", 2026, "mid_year", "meeting_rate:interim_reading", "all", 40)] if academics else []),
        ],
    )
    (folder / "roadmap.yaml").write_text(f"as_of_date: {AS_OF}\nsynthetic: true\n", encoding="utf-8")
    return folder


ASSESSMENT_HEADER = (
    "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,"
    "performance_level,percentile,growth_percentile,typical_growth_met"
)
INTERIM_LEVELS = ("3+ grade levels below", "2 grade levels below", "1 grade level below", "At or above grade level")
MCAS_LEVELS = (
    "Not Meeting Expectations",
    "Partially Meeting Expectations",
    "Meeting Expectations",
    "Exceeding Expectations",
)
INTERIM_DAYS = {"fall": (9, 25), "winter": (12, 10), "spring": (5, 12)}


def _assessments(rosters: list[tuple[str, list[dict]]], rng: random.Random) -> list[tuple]:
    """Interim reading fall, winter (and spring 2025) and MCAS ELA in spring 2025, for students enrolled on the day.

    The student enrolled late (k = 0) misses the fall test; the one who left (k = 1) has a winter result dated
    after leaving, a data-quality finding that is never counted.
    """
    rows = []
    for school, students in rosters:
        for year in YEARS:
            days = school_days(year)
            for k, st in enumerate(students):
                entry, last = (days[30] if k == 0 else days[0]), (days[60] if k == 1 else days[-1])
                level = rng.randrange(4)
                for admin, (month, day) in INTERIM_DAYS.items():
                    when = dt.date(year - 1 if month >= 7 else year, month, day)
                    outside = not entry <= when <= last
                    if when > AS_OF or (outside and not (k == 1 and admin == "winter")):
                        continue
                    level = max(0, min(3, level + rng.choice((-1, 0, 0, 1))))
                    growth = "" if admin == "fall" else rng.choice("YN")
                    rows.append(
                        (
                            st["id"],
                            school,
                            year,
                            "interim_reading",
                            admin,
                            when,
                            st["grade"],
                            480 + 20 * level,
                            INTERIM_LEVELS[level],
                            rng.randint(5, 95),
                            "",
                            growth,
                        )
                    )
                when = dt.date(year, 4, 8)
                if year == 2025 and st["grade"] in ("6", "7", "8", "10") and entry <= when <= last:
                    rows.append(
                        (
                            st["id"],
                            school,
                            year,
                            "mcas_ela",
                            "spring",
                            when,
                            st["grade"],
                            470 + 15 * level,
                            MCAS_LEVELS[level],
                            "",
                            rng.randint(1, 99),
                            "",
                        )
                    )
    return rows


def build_report_zone(root: Path, *, self_contained: bool = False, academics: bool = False) -> tuple[Path, Path, Path]:
    """Ingest the zone, compute the metrics and render the reports through the library stages.

    Returns (landing folder, working warehouse, reports folder).
    """
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.extracts import EXTRACTS
    from sezp_roadmap.reporting.render import render_reports
    from sezp_roadmap.stages import (
        Locations,
        build_metric_values,
        build_state_reconciliation,
        build_student_tables,
        ingest_extracts,
        prepare_landing,
    )
    from sezp_roadmap.validation.run import check_extracts
    from sezp_roadmap.warehouse import connect

    landing = write_report_zone(root / "landing", academics=academics)
    loc = Locations(landing, root / "wh.duckdb", root / "reports")
    settings = load_settings(None, landing)
    prepare_landing(loc)
    ingest_extracts(loc, list(EXTRACTS), settings)
    # The checks record the zone's data-quality findings, which the pages list.
    assert all(o.passed for o in check_extracts(loc.working_warehouse, list(EXTRACTS), settings).values())
    build_student_tables(loc, settings)
    build_metric_values(loc, settings)
    build_state_reconciliation(loc, settings)
    with connect(loc.working_warehouse, read_only=True) as con:
        render_reports(con, loc.reports_dir, settings, self_contained=self_contained)
    return report_zone_paths(root)


def report_zone_paths(root: Path) -> tuple[Path, Path, Path]:
    """(landing folder, working warehouse, reports folder) of the report zone built in root."""
    from sezp_roadmap.stages import Locations

    loc = Locations(root / "landing", root / "wh.duckdb", root / "reports")
    return loc.data_dir, loc.working_warehouse, loc.reports_dir
