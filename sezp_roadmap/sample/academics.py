"""The sample zone's assessments.csv: interim and state test results, made up.

Not calibrated on published results: no public school-level MCAS figures of
the zone's schools were among the sources available to this project (the DESE
downloads in edcommonwealth/sqm-dashboards hold attendance, discipline,
staffing and courses, not assessments), and none is made up. The levels are
set to look like a zone of schools under turnaround (roughly one student in
five meeting expectations, growth near the state's median) and to vary with
each school's published chronic absence, so that the two tell one story.

How a result comes about. Every student has a fixed latent achievement, lower
for English learners and students with disabilities, plus their school's
effect; an interim measures it against a grade-level bar that rises through
the year, so a student who grows as expected keeps their level, and each
student grows at their own pace. The vendor's typical-growth flag is whether
the student's measured gain since fall reached the expected one. The state
test (spring) reads the same latent achievement on MCAS's scale, and its
growth percentile is the student's relative growth, centred a little below
the state's median of 50.

What the pipeline must handle, planted by construction:
* about 5% of students miss each administration (absent on test day);
* students who transfer between administrations are tested at their new
  school (the first school that tested them in a window keeps the result: one
  result per student and administration, the extract's key);
* students new to the zone in winter have no fall result, so no growth flag;
* about 7% of state test takers have no growth percentile (no prior score);
* interims are given in grades 6 to 10, the state test in grades 6 to 8 and 10
  (science in 8 and 10).

Randomness comes from the sample's SeedSequence streams (stream 8), so the
other extracts' bytes do not change.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from sezp_roadmap.sample import zone as s_

_S_ACADEMIC = 8
# The stream of the zone-wide student effects: a school index no zone reaches.
_ZONE_STREAM = 10**6

INTERIM_LEVELS = (b"3+ grade levels below", b"2 grade levels below", b"1 grade level below", b"At or above grade level")
MCAS_LEVELS = (
    b"Not Meeting Expectations",
    b"Partially Meeting Expectations",
    b"Meeting Expectations",
    b"Exceeding Expectations",
)
# Administration windows (month, first day, last day) and the share of the year elapsed at each.
INTERIM_WINDOWS = {"fall": ((9, 22, 10, 3), 0.0), "winter": ((12, 8, 12, 19), 0.4), "spring": ((5, 11, 5, 22), 0.9)}
# The state tests: id, window, grades tested, growth percentile given.
STATE_TESTS = (
    ("mcas_ela", (4, 6, 4, 17), (6, 7, 8, 10), True),
    ("mcas_math", (5, 4, 5, 15), (6, 7, 8, 10), True),
    ("mcas_science", (5, 18, 5, 29), (8, 10), False),
)
INTERIMS = ("interim_reading", "interim_math")
INTERIM_GRADES = (6, 7, 8, 9, 10)
# How far below grade level each level starts, in latent units (3+ below is the rest).
_BELOW = (-1.6, -0.8, 0.0)
# The grade-level bar rises by this much over a school year: typical growth.
_TYPICAL_GAIN = 0.5
_MISS = 0.05
_NO_SGP = 0.07


def _window_day(cal: np.ndarray, year: int, window: tuple[int, int, int, int], rng) -> int | None:
    """One school day of the school inside the window (None when it has none)."""
    m1, d1, m2, d2 = window
    first = s_._day_number(date(year - 1 if m1 >= 7 else year, m1, d1))
    last = s_._day_number(date(year - 1 if m2 >= 7 else year, m2, d2))
    days = cal[(cal >= first) & (cal <= last)]
    return int(days[rng.integers(len(days))]) if len(days) else None


def _school_effect(profile: s_.SchoolProfile, year: int) -> float:
    """Lower achievement where more students are chronically absent (the zone's 12-58%)."""
    return -0.55 - 0.02 * (profile.calibration[year].chronic10 - 30)


def write_assessments(sink, zone, plan, dates, seed: int, as_of: date) -> None:
    """Every result of every school year, school by school (rows sorted for stable bytes)."""
    n_students = 1 + max(int(sp["sid"].max(initial=-1)) for row in plan for sp in row if sp is not None)
    zrng = s_._rng(seed, _ZONE_STREAM, _S_ACADEMIC)
    ability = zrng.normal(0, 1, n_students)
    pace = zrng.normal(0, 0.35, n_students)  # own growth beyond typical, per year
    sgp_z = zrng.normal(0, 1, n_students)
    as_of_day = s_._day_number(as_of)
    rows: list[list[bytes]] = []
    for y, year in enumerate(zone.years):
        tested: dict[tuple[str, str], set[int]] = {}
        fall_score: dict[str, dict[int, float]] = {a: {} for a in INTERIMS}
        for s, profile in enumerate(zone.profiles):
            rng = s_._rng(seed, s, _S_ACADEMIC, y)
            spells, cal = plan[s][y], zone.calendars[s][y]
            if spells is None or not len(spells["sid"]):
                continue
            effect = _school_effect(profile, year) + rng.normal(0, 0.1)
            growth_effect = rng.normal(-0.05, 0.12)
            sgp_effect = rng.normal(-0.15, 0.2)
            for name, (window, elapsed) in INTERIM_WINDOWS.items():
                day = _window_day(cal, year, window, rng)
                for assessment in INTERIMS:
                    if day is None or day > as_of_day:
                        continue
                    rows += _interim_results(
                        spells,
                        day,
                        dates,
                        profile.school_id,
                        year,
                        assessment,
                        name,
                        elapsed,
                        ability + effect,
                        pace + growth_effect,
                        fall_score[assessment],
                        tested.setdefault((assessment, name), set()),
                        rng,
                    )
            for assessment, window, grades, with_sgp in STATE_TESTS:
                day = _window_day(cal, year, window, rng)
                if day is None or day > as_of_day:
                    continue
                rows += _state_results(
                    spells,
                    day,
                    dates,
                    profile.school_id,
                    year,
                    assessment,
                    grades,
                    ability + effect + 0.1 * pace,
                    sgp_z + sgp_effect if with_sgp else None,
                    tested.setdefault((assessment, "spring"), set()),
                    rng,
                )
    rows.sort()
    sink.write_rows("assessments", [[v.decode() if isinstance(v, bytes) else v for v in row] for row in rows])


def _on_day(spells, day: int, grades) -> np.ndarray:
    """Spells covering the day, in the grades tested."""
    return np.flatnonzero((spells["entry"] <= day) & (spells["exit"] >= day) & np.isin(spells["grade"], grades))


def _adjust(spells, k: np.ndarray) -> np.ndarray:
    return -0.5 * spells["ell"][k] - 0.6 * spells["swd"][k] - 0.1 * spells["li"][k]


def _interim_results(
    spells, day, dates, school_id, year, assessment, administration, elapsed, achievement, pace, fall_score, tested, rng
) -> list[list]:
    k = _on_day(spells, day, INTERIM_GRADES)
    sid = spells["sid"][k]
    fresh = np.array([i not in tested for i in sid.tolist()], bool)
    present = fresh & (rng.random(len(k)) >= _MISS)
    k, sid = k[present], sid[present]
    # Against a bar that rises by the typical gain: a student at typical pace keeps their distance.
    measured = achievement[sid] + _adjust(spells, k) + pace[sid] * elapsed + rng.normal(0, 0.25, len(k))
    level = np.searchsorted(np.array(_BELOW), measured, side="right")
    percentile = np.clip(np.rint(100 * _normal_cdf(measured + 0.9)), 1, 99).astype(int)
    scale = np.rint(500 + 40 * (measured + _TYPICAL_GAIN * elapsed)).astype(int)
    rows = []
    for j, student in enumerate(sid.tolist()):
        tested.add(student)
        flag = b""
        if administration == "fall":
            fall_score[student] = measured[j]
        elif student in fall_score:
            flag = b"Y" if measured[j] - fall_score[student] >= -0.05 else b"N"
        rows.append(
            [
                s_._zero_pad(s_._scramble(np.array([student])), s_._ID_DIGITS)[0],
                school_id.encode(),
                year,
                assessment.encode(),
                administration.encode(),
                dates(np.array([day]))[0],
                spells["grade"][k[j]],
                scale[j],
                INTERIM_LEVELS[level[j]],
                percentile[j],
                b"",
                flag,
            ]
        )
    return rows


def _state_results(
    spells, day, dates, school_id, year, assessment, grades, achievement, growth, tested, rng
) -> list[list]:
    k = _on_day(spells, day, grades)
    sid = spells["sid"][k]
    fresh = np.array([i not in tested for i in sid.tolist()], bool)
    present = fresh & (rng.random(len(k)) >= _MISS)
    k, sid = k[present], sid[present]
    measured = achievement[sid] + _adjust(spells, k) + rng.normal(0, 0.3, len(k))
    # MCAS's scale: 440-560, Partially Meeting from 470, Meeting from 500, Exceeding from 530.
    scale = np.clip(np.rint(496 + 22 * measured), 440, 560).astype(int)
    level = np.searchsorted(np.array([470, 500, 530]), scale, side="right")
    rows = []
    for j, student in enumerate(sid.tolist()):
        tested.add(student)
        sgp = b""
        if growth is not None and rng.random() >= _NO_SGP:
            sgp = int(np.clip(np.rint(1 + 98 * _normal_cdf(growth[student])), 1, 99))
        rows.append(
            [
                s_._zero_pad(s_._scramble(np.array([student])), s_._ID_DIGITS)[0],
                school_id.encode(),
                year,
                assessment.encode(),
                b"spring",
                dates(np.array([day]))[0],
                spells["grade"][k[j]],
                scale[j],
                MCAS_LEVELS[level[j]],
                b"",
                sgp,
                b"",
            ]
        )
    return rows


def _normal_cdf(x):
    from math import erf, sqrt

    return np.vectorize(lambda v: 0.5 * (1 + erf(v / sqrt(2))))(x)
