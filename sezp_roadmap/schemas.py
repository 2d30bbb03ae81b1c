"""pandera schemas of the typed staging tables, one per extract.

They state the data contract as code: the type of every column, its allowed
codes and range, whether it may be empty, and the key that makes a row
unique. The SQL rules (sezp_roadmap.validation.run) find the same problems
first, on every row and with file and row numbers; these schemas then check
the typed result as a second, independent reading of the contract. Staging
tables can be very large (attendance at state size is tens of millions of
rows), and pandas holds what it checks in memory: a table longer than
SAMPLE_ROWS is checked on its first SAMPLE_ROWS rows in file order, which the
SQL rules have already checked in full.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sezp_roadmap.extracts import (
    ADMINISTRATIONS, DISCIPLINE_ACTIONS, EXTRACTS, GENDER_CODES, GRADES, PERIODS, RACE_CODES, STATE_METRICS, SUBGROUPS,
)

# Enough rows for a second reading of types, codes and ranges; every further
# 10,000 rows cost about 0.05 s per extract, which a zone's whole build feels.
SAMPLE_ROWS = 20_000


def _field(extract: str, column: str, **checks) -> pa.Field:
    """A field whose description, nullability and range come from the extract registry."""
    spec = EXTRACTS[extract].column(column)
    if spec.minimum is not None:
        checks.setdefault("ge", spec.minimum)
    if spec.maximum is not None:
        checks.setdefault("le", spec.maximum)
    return pa.Field(description=spec.description, nullable=spec.nullable, **checks)


class _Staging(pa.DataFrameModel):
    class Config:
        # DuckDB hands over INTEGER as int32 and DATE as datetime64[us]; the contract is the value, not the width.
        coerce = True
        strict = False


class Schools(_Staging):
    school_id: Series[str] = _field("schools", "school_id", unique=True)
    school_name: Series[str] = _field("schools", "school_name")
    grade_span: Series[str] = _field("schools", "grade_span")
    state_school_id: Series[str] = _field("schools", "state_school_id", str_matches=r"^[0-9]{8}$")


class Calendar(_Staging):
    school_id: Series[str] = _field("calendar", "school_id")
    school_year: Series[int] = _field("calendar", "school_year")
    date: Series[pa.DateTime] = _field("calendar", "date")

    class Config:
        unique = list(EXTRACTS["calendar"].key)


class Enrollment(_Staging):
    student_id: Series[str] = _field("enrollment", "student_id", str_matches=r"^\S+$")
    school_id: Series[str] = _field("enrollment", "school_id")
    school_year: Series[int] = _field("enrollment", "school_year")
    grade: Series[str] = _field("enrollment", "grade", isin=list(GRADES))
    entry_date: Series[pa.DateTime] = _field("enrollment", "entry_date")
    exit_date: Series[pa.DateTime] = _field("enrollment", "exit_date")
    race_ethnicity: Series[str] = _field("enrollment", "race_ethnicity", isin=list(RACE_CODES))
    gender: Series[str] = _field("enrollment", "gender", isin=list(GENDER_CODES))
    ell: Series[bool] = _field("enrollment", "ell")
    former_ell: Series[bool] = _field("enrollment", "former_ell")
    swd: Series[bool] = _field("enrollment", "swd")
    low_income: Series[bool] = _field("enrollment", "low_income")

    class Config:
        unique = list(EXTRACTS["enrollment"].key)


class Attendance(_Staging):
    student_id: Series[str] = _field("attendance", "student_id", str_matches=r"^\S+$")
    school_id: Series[str] = _field("attendance", "school_id")
    date: Series[pa.DateTime] = _field("attendance", "date")
    # The allowed codes are configuration (settings: attendance_codes); the SQL rule checks them.
    code: Series[str] = _field("attendance", "code")

    class Config:
        unique = list(EXTRACTS["attendance"].key)


class Discipline(_Staging):
    incident_id: Series[str] = _field("discipline", "incident_id")
    student_id: Series[str] = _field("discipline", "student_id", str_matches=r"^\S+$")
    school_id: Series[str] = _field("discipline", "school_id")
    incident_date: Series[pa.DateTime] = _field("discipline", "incident_date")
    offense: Series[str] = _field("discipline", "offense")
    action: Series[str] = _field("discipline", "action", isin=list(DISCIPLINE_ACTIONS))
    days_removed: Series[float] = _field("discipline", "days_removed")

    class Config:
        unique = list(EXTRACTS["discipline"].key)


class EducatorSurvey(_Staging):
    school_id: Series[str] = _field("educator_survey", "school_id")
    school_year: Series[int] = _field("educator_survey", "school_year")
    administration: Series[str] = _field("educator_survey", "administration", isin=list(ADMINISTRATIONS))
    domain: Series[str] = _field("educator_survey", "domain")
    score: Series[float] = _field("educator_survey", "score")
    respondents: Series[int] = _field("educator_survey", "respondents")

    class Config:
        unique = list(EXTRACTS["educator_survey"].key)


class FamilySurvey(_Staging):
    response_id: Series[str] = _field("family_survey", "response_id")
    school_id: Series[str] = _field("family_survey", "school_id")
    school_year: Series[int] = _field("family_survey", "school_year")
    administration: Series[str] = _field("family_survey", "administration", isin=list(ADMINISTRATIONS))
    item_id: Series[str] = _field("family_survey", "item_id")
    topic: Series[str] = _field("family_survey", "topic")
    response: Series[pd.Int64Dtype] = _field("family_survey", "response")

    class Config:
        unique = list(EXTRACTS["family_survey"].key)


class Sqr(_Staging):
    school_id: Series[str] = _field("sqr", "school_id")
    school_year: Series[int] = _field("sqr", "school_year")
    review: Series[str] = _field("sqr", "review", isin=list(ADMINISTRATIONS))
    domain: Series[str] = _field("sqr", "domain")
    indicator: Series[str] = _field("sqr", "indicator")
    rating: Series[int] = _field("sqr", "rating")

    class Config:
        unique = list(EXTRACTS["sqr"].key)


class Targets(_Staging):
    school_id: Series[str] = _field("targets", "school_id")
    school_year: Series[int] = _field("targets", "school_year")
    period: Series[str] = _field("targets", "period", isin=list(PERIODS))
    metric: Series[str] = _field("targets", "metric")
    subgroup: Series[str] = _field("targets", "subgroup")
    target: Series[float] = _field("targets", "target")

    class Config:
        unique = list(EXTRACTS["targets"].key)


class StateFigures(_Staging):
    school_year: Series[int] = _field("state_figures", "school_year")
    org_code: Series[str] = _field("state_figures", "org_code", str_matches=r"^[0-9]{8}$")
    subgroup: Series[str] = _field("state_figures", "subgroup", isin=list(SUBGROUPS))
    metric: Series[str] = _field("state_figures", "metric", isin=list(STATE_METRICS))
    value: Series[float] = _field("state_figures", "value")
    source: Series[str] = _field("state_figures", "source")

    class Config:
        unique = list(EXTRACTS["state_figures"].key)


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "schools": Schools,
    "calendar": Calendar,
    "enrollment": Enrollment,
    "attendance": Attendance,
    "discipline": Discipline,
    "educator_survey": EducatorSurvey,
    "family_survey": FamilySurvey,
    "sqr": Sqr,
    "targets": Targets,
    "state_figures": StateFigures,
}

assert set(SCHEMAS) == set(EXTRACTS), "every extract has a schema"
assert all(
    set(EXTRACTS[name].column_names) == set(model.to_schema().columns) for name, model in SCHEMAS.items()
), "every schema names exactly the extract's columns"
