"""A small landing folder with all nine extracts, and a harness that ingests and validates it in memory.

The base zone is test_pipeline's tiny zone (two schools, 40 school days from
2025-09-02, as of 2025-10-31) plus one or two rows of each optional extract.
It ingests with no error and exactly one finding, BASELINE_FINDING: student
0005's absence after withdrawing (attendance.csv, row 16).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from ingest_memo import load_once
from test_pipeline import DAYS, write_tiny_zone
from validation_memo import StagingContents, validate_once

from sezp_roadmap import ingest
from sezp_roadmap.config import LANDING_SETTINGS_FILE, Settings, load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import SCHEMAS, add_macros, connection_config

BASELINE_FINDING = ("attendance_outside_enrollment", "attendance.csv", 16, "date")
# The order the Dagster checks run in: every extract after those it refers to.
ORDER = (
    "schools",
    "calendar",
    "enrollment",
    "attendance",
    "discipline",
    "educator_survey",
    "family_survey",
    "family_survey_summary",
    "sqr",
    "targets",
    "state_figures",
    "assessments",
)
assert set(ORDER) == set(EXTRACTS)


def write_zone(folder: Path) -> Path:
    d = DAYS
    write_tiny_zone(folder)
    (folder / "discipline.csv").write_text(
        "incident_id,student_id,school_id,incident_date,offense,action,days_removed\n"
        f"I1,0001,A,{d[5]},Fighting,OSS,2\n"
        f"I2,0006,B,{d[12]},Disruption,ISS,0.5\n"
    )
    (folder / "educator_survey.csv").write_text(
        "school_id,school_year,administration,domain,score,respondents\n"
        "A,2026,fall,Instructional Culture Index,7.2,20\n"
        "B,2026,fall,Instructional Culture Index,6.1,15\n"
    )
    (folder / "family_survey.csv").write_text(
        "response_id,school_id,school_year,administration,item_id,topic,response\n"
        "R1,A,2026,fall,Q1,communication,4\n"
        "R1,A,2026,fall,Q2,communication,5\n"
        "R2,A,2026,fall,Q1,communication,2\n"
        "R2,A,2026,fall,Q2,communication,\n"
    )
    (folder / "sqr.csv").write_text(
        "school_id,school_year,review,domain,indicator,rating\n"
        "A,2026,fall,Curriculum,1.1,3\n"
        "A,2026,fall,Curriculum,1.2,2\n"
    )
    (folder / "targets.csv").write_text(
        "school_id,school_year,period,metric,subgroup,target\n"
        "A,2026,end_of_year,chronic_absence_rate,all,20\n"
        "A,2026,mid_year,attendance_rate,ell,93\n"
        "B,2026,end_of_year,family_favorable:communication,all,80\n"
    )
    return folder


def append(folder: Path, name: str, *lines: str) -> None:
    path = folder / name
    text = path.read_text() if path.exists() else ""
    path.write_text(text + "".join(line + "\n" for line in lines))


@dataclass
class Run:
    con: duckdb.DuckDBPyConnection
    settings: Settings
    read_problems: list[str] = field(default_factory=list)

    def rows(self, table: str) -> list[dict]:
        cursor = self.con.execute(f"select * from meta.{table} order by extract, file, row, column_name")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    @property
    def errors(self) -> list[dict]:
        return self.rows("errors")

    @property
    def findings(self) -> list[dict]:
        return self.rows("findings")

    def count(self, table: str) -> int:
        return self.con.execute(f"select count(*) from {table}").fetchone()[0]


_SETTINGS: dict[tuple, Settings] = {}


def settings_of(folder: Path) -> Settings:
    """load_settings(None, folder), read once per roadmap.yaml content and day (reading the defaults costs 0.1 s)."""
    landing = folder / LANDING_SETTINGS_FILE
    text = landing.read_bytes() if landing.is_file() else None
    key = (text, dt.date.today())  # without an as_of_date in the file, the settings' as-of date is today
    if key not in _SETTINGS:
        _SETTINGS[key] = load_settings(None, folder)
    settings = _SETTINGS[key]
    # A copy of the raw settings for each run (a test may change them), read from this folder.
    sources = (settings.sources[0], *([str(landing)] if text is not None else []))
    return dataclasses.replace(settings, raw=copy.deepcopy(settings.raw), sources=sources)


def ingest_and_validate(folder: Path) -> Run:
    """What the Dagster assets and checks do, in one in-memory warehouse; stops after unreadable files."""
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in SCHEMAS:
        con.execute(f"create schema {schema}")
    settings = settings_of(folder)
    files, _ = ingest.discover(folder)
    ingest.record_files(con, files)
    run = Run(con, settings)
    for name in ORDER:
        try:
            # ingest.load_staging, or what it wrote for the same files before (tests/ingest_memo.py)
            load_once(con, EXTRACTS[name], [f for f in files if f.extract == name], settings.id_widths)
        except InputProblem as problem:
            run.read_problems += [str(p) for p in problem.problems]
    if not run.read_problems:
        staging = StagingContents(con)
        for name in ORDER:
            # validate(), or its rows for the same input (tests/validation_memo.py)
            validate_once(con, name, settings, staging)
    return run
