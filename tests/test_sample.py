"""The synthetic sample zone: canonical format, determinism, speed, and that
it looks like the real zone (DESE figures) with the quirks it promises."""

from __future__ import annotations

import csv
import gzip
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from sezp_roadmap.sample import load_calibration, school_profiles, write_sample_zone
from sezp_roadmap.warehouse import add_macros, connection_config

AS_OF = date(2026, 1, 16)

# The data contract's required columns, written out here rather than imported
# so a drift in the generator's own list is caught.
REQUIRED = {
    "schools": ["school_id", "school_name", "grade_span", "state_school_id"],
    "calendar": ["school_id", "school_year", "date"],
    "enrollment": [
        "student_id",
        "school_id",
        "school_year",
        "grade",
        "entry_date",
        "exit_date",
        "race_ethnicity",
        "gender",
        "ell",
        "former_ell",
        "swd",
        "low_income",
    ],
    "attendance": ["student_id", "school_id", "date", "code"],
    "discipline": ["incident_id", "student_id", "school_id", "incident_date", "offense", "action", "days_removed"],
    "educator_survey": ["school_id", "school_year", "administration", "domain", "score", "respondents"],
    "family_survey": ["response_id", "school_id", "school_year", "administration", "item_id", "topic", "response"],
    "sqr": ["school_id", "school_year", "review", "domain", "indicator", "rating"],
    "targets": ["school_id", "school_year", "period", "metric", "subgroup", "target"],
    "state_figures": ["school_year", "org_code", "subgroup", "metric", "value", "source"],
    "assessments": [
        "student_id",
        "school_id",
        "school_year",
        "assessment",
        "administration",
        "test_date",
        "grade",
        "scale_score",
        "performance_level",
        "percentile",
        "growth_percentile",
        "typical_growth_met",
    ],
}
DATE_COLUMNS = {
    "calendar": ["date"],
    "enrollment": ["entry_date", "exit_date"],
    "attendance": ["date"],
    "discipline": ["incident_date"],
    "assessments": ["test_date"],
}
FLAG_COLUMNS = ["ell", "former_ell", "swd", "low_income"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("zone")
    return out, write_sample_zone(out)


@pytest.fixture(scope="module")
def db(zone) -> duckdb.DuckDBPyConnection:
    """The default zone's files as typed tables (ids stay text: leading zeros)."""
    out = zone[0]
    con = add_macros(duckdb.connect(config=connection_config()))
    for name in REQUIRED:
        con.execute(f"create view raw_{name} as select * from read_csv('{out / (name + '.csv')}', all_varchar = true)")
    con.execute("""
        create table calendar as select school_id, school_year::int as school_year, date::date as date from raw_calendar;
        create table enrollment as select * replace (school_year::int as school_year, entry_date::date as entry_date,
            exit_date::date as exit_date) from raw_enrollment;
        create table attendance as select * replace (date::date as date) from raw_attendance;
        create table discipline as select * replace (incident_date::date as incident_date, days_removed::double as days_removed)
            from raw_discipline;
        -- membership days: calendar days inside a spell, through the year's last day while exit_date is empty
        create table membership as
            select distinct e.student_id, e.school_id, e.school_year, c.date
            from enrollment e join calendar c
              on c.school_id = e.school_id and c.school_year = e.school_year
             and c.date between e.entry_date and coalesce(e.exit_date, make_date(e.school_year, 6, 30))
            where c.date <= date '2026-01-16';
        create table attendance_year as
            select a.*, c.school_year from attendance a join calendar c using (school_id, date);
    """)
    return con


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


# --------------------------------------------------------------------------
# Format, determinism, speed
# --------------------------------------------------------------------------


@pytest.mark.bench
def test_default_zone_has_every_required_extract(zone):
    _, rows = zone
    assert rows["schools"] == 13
    assert set(rows) == set(REQUIRED)
    assert all(n > 0 for n in rows.values())


def test_every_extract_is_in_canonical_form(zone):
    out, rows = zone
    for name, columns in REQUIRED.items():
        data = (out / f"{name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, name
        lines = data.decode("utf-8").split("\n")
        assert lines[-1] == "", f"{name} ends with a newline"
        table = list(csv.DictReader(lines[:-1]))
        assert list(table[0].keys()) == columns, name
        assert len(table) == rows[name]
        for column in DATE_COLUMNS.get(name, []):
            assert all(ISO_DATE.match(r[column]) for r in table if r[column]), (name, column)
        if name == "enrollment":
            for column in FLAG_COLUMNS:
                assert {r[column] for r in table} == {"Y", "N"}
            assert {r["race_ethnicity"] for r in table} <= set("HBWANPM")
            assert {r["gender"] for r in table} == {"F", "M", "N"}
            assert all(r["entry_date"] for r in table)
            ids = {r["student_id"] for r in table}
            assert all(re.fullmatch(r"\d{7}", i) for i in ids)
            assert any(i.startswith("0") for i in ids), "leading zeros must matter"
    meta = yaml.safe_load((out / "roadmap.yaml").read_text())
    assert meta == {"as_of_date": AS_OF, "synthetic": True}
    assert "synthetic" in (out / "roadmap.yaml").read_text().splitlines()[0].lower()


def test_same_seed_same_bytes(tmp_path):
    # How fast a zone is written is the benchmark's to measure (generation_seconds), not a test's.
    first = write_sample_zone(tmp_path / "a", schools=3, students=300)
    second = write_sample_zone(tmp_path / "b", schools=3, students=300)
    assert first == second
    for name in [*REQUIRED, "roadmap"]:
        suffix = ".yaml" if name == "roadmap" else ".csv"
        assert (tmp_path / "a" / f"{name}{suffix}").read_bytes() == (tmp_path / "b" / f"{name}{suffix}").read_bytes()
    other = write_sample_zone(tmp_path / "c", schools=3, students=300, seed=7)
    assert (tmp_path / "c" / "attendance.csv").read_bytes() != (tmp_path / "a" / "attendance.csv").read_bytes()
    assert other["schools"] == 3


def test_compressed_output_is_deterministic_and_same_content(tmp_path):
    write_sample_zone(tmp_path / "a", schools=2, students=200, compress=True)
    write_sample_zone(tmp_path / "b", schools=2, students=200, compress=True)
    write_sample_zone(tmp_path / "plain", schools=2, students=200)
    for name in REQUIRED:
        if name == "state_figures":  # always plain: a few dozen rows a reader checks against their sources
            assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "plain" / f"{name}.csv").read_bytes()
            assert not (tmp_path / "a" / f"{name}.csv.gz").exists()
            continue
        packed = (tmp_path / "a" / f"{name}.csv.gz").read_bytes()
        assert packed == (tmp_path / "b" / f"{name}.csv.gz").read_bytes()
        assert gzip.decompress(packed) == (tmp_path / "plain" / f"{name}.csv").read_bytes()
        assert not (tmp_path / "a" / f"{name}.csv").exists()


def test_larger_zones_use_four_digit_ids_and_unique_names(tmp_path):
    write_sample_zone(tmp_path, schools=20, students=1200)
    with open(tmp_path / "schools.csv", newline="") as f:
        schools = list(csv.DictReader(f))
    assert [s["school_id"] for s in schools] == [f"S{i:04d}" for i in range(1, 21)]
    assert len({s["school_name"] for s in schools}) == 20
    assert {s["grade_span"] for s in schools} == {"6-8", "9-12", "6-12"}


# --------------------------------------------------------------------------
# Looks like the real zone
# --------------------------------------------------------------------------


def test_attendance_and_chronic_absence_match_dese(db):
    """docs/metrics.md rule: >= 20 membership days, absent >= 10 % of membership, AH = 0.5."""
    measured = db.execute("""
        with absent as (
            select student_id, school_id, date,
                   case code when 'AH' then 0.5 when 'T' then 0 when 'D' then 0 else 1 end as value
            from attendance),
        per_student as (
            select m.school_id, m.student_id, count(*) as days, coalesce(sum(a.value), 0) as absent
            from membership m left join absent a using (student_id, school_id, date)
            where m.school_year = 2025
            group by all)
        select school_id, 100 * sum(days - absent) / sum(days),
               100 * avg(case when 10 * absent >= days then 1 else 0 end),
               100 * avg(case when 5 * absent >= days then 1 else 0 end)
        from per_student where days >= 20 group by school_id
    """).fetchall()
    profiles = {p.school_id: p.calibration[2025] for p in school_profiles()}
    assert {p.dese_id for p in school_profiles()} >= {"02810510", "02810480", "02810350"}
    assert len(measured) == 13
    for school_id, attendance, chronic, severe in measured:
        dese = profiles[school_id]
        assert abs(attendance - dese.attendance_rate) <= 1.5, school_id
        assert abs(chronic - dese.chronic10) <= 5, school_id
        assert abs(severe - dese.chronic20) <= 5, school_id


def test_suspension_shares_match_dese(db):
    measured = db.execute("""
        select e.school_id,
               100 * count(distinct case when d.action = 'OSS' then e.student_id end) / count(distinct e.student_id),
               100 * count(distinct case when d.action = 'ISS' then e.student_id end) / count(distinct e.student_id)
        from enrollment e left join discipline d
          on d.student_id = e.student_id and d.school_id = e.school_id
         and d.incident_date between make_date(e.school_year - 1, 7, 1) and make_date(e.school_year, 6, 30)
        where e.school_year = 2025 group by 1
    """).fetchall()
    profiles = {p.school_id: p.calibration[2025] for p in school_profiles()}
    for school_id, oss, iss in measured:
        assert abs(oss - profiles[school_id].oss) <= 3, school_id
        assert abs(iss - profiles[school_id].iss) <= 3, school_id


def test_zone_demographics(db):
    shares = db.execute("""
        select school_year, 100 * avg((ell = 'Y')::int), 100 * avg((former_ell = 'Y')::int),
               100 * avg((swd = 'Y')::int), 100 * avg((low_income = 'Y')::int), count(distinct student_id)
        from enrollment group by 1 order by 1
    """).fetchall()
    assert [s[0] for s in shares] == [2024, 2025, 2026]
    for _, ell, former, swd, low_income, students in shares:
        assert 20 <= ell <= 30 and 8 <= former <= 13 and 17 <= swd <= 23 and 75 <= low_income <= 85
        assert 5000 <= students <= 5700
    # The newcomer school: English learners are most of its students.
    newcomers = db.execute(
        "select school_year, 100 * avg((ell = 'Y')::int) from enrollment where school_id = 'S12' group by 1"
    ).fetchall()
    assert all(share > 50 for _, share in newcomers), newcomers
    races = dict(db.execute("select race_ethnicity, count(*) from enrollment group by 1").fetchall())
    assert races["H"] > races["B"] > races["W"] and set(races) == set("HBWAMNP")


def test_calendars_differ_between_schools_and_plan_the_whole_running_year(db):
    per_school = db.execute("""
        select school_id, school_year, count(*), min(date), max(date) from calendar group by 1, 2
    """).fetchall()
    assert all(175 <= n <= 185 for _, _, n, _, _ in per_school)
    assert all(first.month in (8, 9) and last.month == 6 for _, _, _, first, last in per_school)
    assert len({first for _, y, _, first, _ in per_school if y == 2025}) > 1
    assert one(db, "select count(*) from calendar where isodow(date) > 5") == 0
    assert one(db, "select count(*) from calendar where date in ('2025-11-27', '2025-12-25', '2026-01-19')") == 0
    assert one(db, "select max(date) from calendar where school_year = 2026") > AS_OF


def test_students_persist_across_years(db):
    moved_up = one(
        db,
        """
        select count(*) from (select distinct student_id, grade::int g from enrollment where school_year = 2025) a
        join (select distinct student_id, grade::int g from enrollment where school_year = 2026) b using (student_id)
        where b.g = a.g + 1
    """,
    )
    assert moved_up > 3000
    assert (
        one(
            db,
            "select count(*) from enrollment where school_year = 2026 and grade = '12' "
            "and student_id in (select student_id from enrollment where school_year = 2025 and grade = '12')",
        )
        < 30
    )
    # New at their school: mostly 6th graders, and 9th graders from zone middle schools or elsewhere.
    entering = db.execute("""
        select grade, count(*) from enrollment e where school_year = 2026 and not exists
            (select 1 from enrollment p where p.student_id = e.student_id and p.school_id = e.school_id and p.school_year = 2025)
        group by 1 order by 2 desc""").fetchall()
    assert {entering[0][0], entering[1][0]} == {"6", "9"}


def test_enrollment_events(db):
    transfers = one(
        db,
        """
        select count(*) from enrollment a join enrollment b
          on a.student_id = b.student_id and a.school_year = b.school_year and a.school_id <> b.school_id
         and b.entry_date > a.exit_date and b.entry_date <= a.exit_date + 10 and a.grade = b.grade
    """,
    )
    late = one(db, "select count(*) from enrollment where month(entry_date) in (10, 11, 12)")
    withdrawals = one(
        db,
        """
        select count(*) from enrollment e where exit_date is not null
          and exit_date < (select max(date) from calendar c where c.school_id = e.school_id and c.school_year = e.school_year)
          and not exists (select 1 from enrollment f where f.student_id = e.student_id
                          and f.school_year = e.school_year and f.entry_date > e.exit_date)
    """,
    )
    reentries = one(
        db,
        """select count(*) from (select student_id from enrollment
                           group by student_id, school_id, school_year having count(*) > 1)""",
    )
    short = one(
        db,
        "select count(*) from (select student_id, school_id, school_year from membership group by all having count(*) < 20)",
    )
    disagree = one(
        db,
        """select count(*) from (select student_id, school_year from enrollment group by all
                          having count(distinct (low_income, ell, former_ell, swd, race_ethnicity, gender)) > 1)""",
    )
    last_day_exits = one(
        db,
        """select count(*) from enrollment e where exit_date =
        (select max(date) from calendar c where c.school_id = e.school_id and c.school_year = e.school_year)""",
    )
    assert transfers >= 100 and late >= 100 and withdrawals >= 300 and reentries >= 20
    assert short >= 39 and disagree >= 10 and last_day_exits >= 100
    assert one(db, "select count(*) from enrollment where school_year = 2026 and exit_date is null") > 5000
    # Spells of a student never overlap, and a student has one grade a year.
    assert (
        one(
            db,
            """select count(*) from enrollment a join enrollment b on a.student_id = b.student_id
                      and a.school_year = b.school_year and (a.school_id, a.entry_date) < (b.school_id, b.entry_date)
                      and a.entry_date <= coalesce(b.exit_date, date '2100-01-01')
                      and b.entry_date <= coalesce(a.exit_date, date '2100-01-01')""",
        )
        == 0
    )
    assert (
        one(
            db,
            "select count(*) from (select student_id from enrollment group by student_id, school_year "
            "having count(distinct grade) > 1)",
        )
        == 0
    )
    assert one(db, "select count(*) from enrollment where school_year < 2026 and exit_date is null") > 8000


def test_nothing_happens_after_as_of(db):
    assert one(db, "select max(date) from attendance") <= AS_OF
    assert one(db, "select max(incident_date) from discipline") <= AS_OF
    assert one(db, "select max(greatest(entry_date, coalesce(exit_date, entry_date))) from enrollment") <= AS_OF


def test_attendance_codes_and_planted_quirks(db):
    codes = dict(db.execute("select code, count(*) from attendance group by 1").fetchall())
    assert set(codes) == {"A", "AE", "AH", "AS", "T", "D"}
    assert (
        one(
            db,
            "select count(*) from (select student_id, school_id, date from attendance group by all having count(*) > 1)",
        )
        == 0
    )
    # Referential integrity holds for every row, quirks included.
    assert one(db, "select count(*) from attendance a anti join calendar c using (school_id, date)") == 0
    assert (
        one(
            db,
            "select count(*) from attendance_year a anti join enrollment e using (student_id, school_id, school_year)",
        )
        == 0
    )
    outside = db.execute("""
        select case when exists (select 1 from enrollment e where e.student_id = a.student_id and e.school_id = a.school_id
                                   and e.school_year = a.school_year and e.exit_date < a.date)
                    then 'after_exit' else 'before_entry' end, count(*)
        from attendance_year a anti join membership m using (student_id, school_id, date)
        group by 1
    """).fetchall()
    assert dict(outside) == {"after_exit": 13, "before_entry": 13}
    assert sum(codes.values()) * 0.001 > 26


def test_discipline(db):
    actions = dict(db.execute("select action, count(*) from discipline group by 1").fetchall())
    assert set(actions) <= {"ISS", "OSS", "EXP", "ER", "ALT", "OTHER"} and {"ISS", "OSS", "ER", "OTHER"} <= set(actions)
    assert (
        one(
            db,
            "select count(*) from discipline where not regexp_full_match(incident_id, school_id || '-20\\d\\d-\\d{4}')",
        )
        == 0
    )
    assert (
        one(
            db,
            "select count(*) from (select incident_id from discipline group by 1 having count(distinct school_id) > 1)",
        )
        == 0
    )
    assert (
        one(
            db,
            "select count(*) from (select incident_id from discipline group by 1 having count(distinct student_id) >= 2)",
        )
        >= 20
    )
    assert (
        one(
            db,
            "select count(*) from (select incident_id, student_id from discipline group by all having count(*) >= 2)",
        )
        >= 20
    )
    assert (
        one(
            db,
            "select count(*) from (select incident_id, student_id, action from discipline group by all having count(*) > 1)",
        )
        == 0
    )
    assert one(db, "select min(days_removed) from discipline") >= 0
    assert one(db, "select max(days_removed) from discipline where action = 'OTHER'") == 0
    assert one(db, "select count(*) from discipline where days_removed = 0.5") > 0
    assert {r[0] for r in db.execute("select distinct offense from discipline").fetchall()} <= {
        "Fighting",
        "Disruption",
        "Insubordination",
        "Threat",
        "Bullying",
        "Vandalism",
        "Substance",
        "Theft",
    }
    # OSS days show as AS on the student's following school days.
    assert one(
        db,
        """select count(*) from discipline d where action = 'OSS' and days_removed >= 1 and exists
                      (select 1 from attendance a where a.student_id = d.student_id and a.school_id = d.school_id
                       and a.code = 'AS' and a.date > d.incident_date and a.date <= d.incident_date + 14)""",
    ) > 0.8 * one(
        db,
        "select count(*) from discipline where action = 'OSS' and days_removed >= 1 and incident_date < '2026-01-10'",
    )
    # A student is in school on the day of their incident.
    assert (
        one(
            db,
            """select count(*) from discipline d join attendance a on a.student_id = d.student_id
                      and a.school_id = d.school_id and a.date = d.incident_date where a.code in ('A', 'AE', 'AH', 'AS')""",
        )
        == 0
    )
    outside = one(
        db,
        """select count(*) from discipline d join calendar c on c.school_id = d.school_id and c.date = d.incident_date
                         anti join membership m on m.student_id = d.student_id and m.school_id = d.school_id and m.date = d.incident_date""",
    )
    assert outside == 2
    assert (
        one(
            db,
            "select count(*) from discipline d anti join calendar c on c.school_id = d.school_id and c.date = d.incident_date",
        )
        == 0
    )


def test_surveys_reviews_and_targets(db):
    educator = db.execute("""select school_year, administration, count(distinct domain), min(score::double), max(score::double),
                             min(respondents::int), max(respondents::int) from raw_educator_survey group by 1, 2 order by 1, 2""").fetchall()
    assert [(y, a) for y, a, *_ in educator] == [
        ("2024", "fall"),
        ("2024", "spring"),
        ("2025", "fall"),
        ("2025", "spring"),
        ("2026", "fall"),
    ]
    assert all(d == 8 and 0 <= lo <= hi <= 10 for _, _, d, lo, hi, _, _ in educator)
    assert (
        one(
            db,
            "select count(distinct (school_id, school_year, administration)) from raw_educator_survey where respondents::int < 5",
        )
        == 1
    )
    assert one(db, "select max(respondents::int) from raw_educator_survey") <= 70

    family = db.execute("""select count(*) filter (where response is null), count(*),
                           100 * avg(case when response::int >= 4 then 1 else 0 end) filter (where response is not null),
                           count(distinct item_id), count(distinct topic) from raw_family_survey""").fetchone()
    assert 0.03 < family[0] / family[1] < 0.07 and 60 <= family[2] <= 85 and family[3] == 12 and family[4] == 4
    assert (
        one(
            db,
            "select count(*) from (select school_id, school_year from raw_family_survey where school_year < '2026' "
            "group by all having count(distinct administration) = 1 and min(administration) = 'spring')",
        )
        == 1
    )
    assert (
        one(db, "select string_agg(distinct administration) from raw_family_survey where school_year = '2026'")
        == "fall"
    )
    assert (
        one(
            db,
            "select count(*) from (select response_id, item_id from raw_family_survey group by all having count(*) > 1)",
        )
        == 0
    )

    sqr = db.execute(
        "select count(distinct domain), min(rating::int), max(rating::int), count(distinct school_year), "
        "string_agg(distinct review) from raw_sqr"
    ).fetchone()
    assert sqr[0] == 5 and 1 <= sqr[1] <= sqr[2] <= 4 and sqr[3] == 3 and sqr[4] == "winter"
    assert one(db, "select count(*) from raw_sqr where not regexp_full_match(indicator, '[1-5]\\.[1-4]')") == 0

    targets = db.execute("select distinct school_year, period, metric, subgroup from raw_targets").fetchall()
    assert {t[0] for t in targets} == {"2025", "2026"} and {t[1] for t in targets} == {"mid_year", "end_of_year"}
    assert {(t[2], t[3]) for t in targets} >= {
        ("chronic_absence_rate", "all"),
        ("attendance_rate", "all"),
        ("oss_rate", "all"),
        ("chronic_absence_rate", "swd"),
        ("chronic_absence_rate", "ell"),
        ("family_favorable", "all"),
        ("educator_ici", "all"),
    }
    assert one(db, "select count(*) from raw_targets where target::double < 0 or target::double > 100") == 0


def test_state_figures_are_the_real_schools_published_figures(zone, tmp_path):
    """Each of the first 13 schools carries its real school's DESE code and that school's figures, for the real year only."""
    out = zone[0]
    with open(out / "schools.csv", newline="") as f:
        schools = {s["school_id"]: s["state_school_id"] for s in csv.DictReader(f)}
    with open(out / "state_figures.csv", newline="") as f:
        figures = list(csv.DictReader(f))
    calibration = {(r["dese_id"], r["year"]): r for r in load_calibration()}
    profiles = school_profiles()
    assert schools == {p.school_id: p.dese_id for p in profiles}
    assert len(set(schools.values())) == 13
    assert {r["school_year"] for r in figures} == {"2024", "2025"}
    assert len(figures) == 13 * 2 * 6
    by_key = {(r["org_code"], r["school_year"], r["metric"]): r for r in figures}
    # Hand-checked against DESE's 2024-25 profile of Kiley Prep (02810315): 91.6%, 14.4 absences, 28.3%, 8.4%, ISS 0.0%, OSS 19.9%.
    kiley = {
        m: by_key[("02810315", "2025", m)]["value"]
        for m in (
            "attendance_rate",
            "avg_days_absent",
            "chronic_absence_rate",
            "severe_absence_rate",
            "iss_rate",
            "oss_rate",
        )
    }
    assert kiley == {
        "attendance_rate": "91.6",
        "avg_days_absent": "14.4",
        "chronic_absence_rate": "28.3",
        "severe_absence_rate": "8.4",
        "iss_rate": "0.0",
        "oss_rate": "19.9",
    }
    assert calibration[("02810315", "2024-25")]["avg_absences"] == "14.4"
    assert all(r["subgroup"] == "all" and "profiles.doe.mass.edu" in r["source"] for r in figures)
    assert {r["org_code"] for r in figures} <= set(schools.values())
    # Schools past the 13th have jittered figures: no DESE code, no state figures.
    write_sample_zone(tmp_path / "big", schools=15, students=1500)
    with open(tmp_path / "big" / "schools.csv", newline="") as f:
        big = list(csv.DictReader(f))
    assert [s["state_school_id"] for s in big[13:]] == ["", ""]
    # Another as-of date shifts the sample's years away from DESE's: no figure is claimed for a year it does not describe.
    write_sample_zone(tmp_path / "later", schools=3, students=300, as_of=date(2027, 1, 15))
    assert not (tmp_path / "later" / "state_figures.csv").exists()
    with open(tmp_path / "later" / "schools.csv", newline="") as f:
        assert {s["state_school_id"] for s in csv.DictReader(f)} == {""}


def test_the_assessments_plant_what_the_academic_metrics_must_handle(zone):
    """Interims in fall and winter of the running year with growth flags, the state test in past springs,
    students who miss an administration, who move between administrations, and who have no growth percentile."""
    out = zone[0]
    con = duckdb.connect(config=connection_config())
    con.execute(f"create view a as select * from read_csv('{out / 'assessments.csv'}', all_varchar = true)")
    held = set(con.execute("select school_year, assessment, administration from a group by all").fetchall())
    assert {("2026", "interim_reading", "fall"), ("2026", "interim_reading", "winter")} <= held
    assert ("2026", "interim_reading", "spring") not in held and (
        "2026",
        "mcas_ela",
        "spring",
    ) not in held  # after as_of
    assert {("2025", "mcas_ela", "spring"), ("2025", "mcas_math", "spring"), ("2025", "mcas_science", "spring")} <= held
    flags = dict(
        con.execute(
            "select administration, count(typical_growth_met) filter (where typical_growth_met <> '') from a "
            "where assessment = 'interim_reading' group by all"
        ).fetchall()
    )
    assert flags["fall"] == 0 and flags["winter"] > 0
    moved = con.execute(
        "select count(*) from (select student_id from a where assessment = 'interim_reading' "
        "group by student_id, school_year having count(distinct school_id) > 1)"
    ).fetchone()[0]
    missed = con.execute(
        "select count(*) from (select student_id from a where assessment = 'interim_reading' and school_year = '2025' "
        "group by student_id having count(*) < 3)"
    ).fetchone()[0]
    no_sgp = con.execute(
        "select count(*) from a where assessment = 'mcas_ela' and growth_percentile is null"
    ).fetchone()[0]
    assert moved > 10 and missed > 100 and no_sgp > 50
