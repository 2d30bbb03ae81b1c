"""Settings: packaged defaults, overridden by the zone's YAML files."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sezp_roadmap.assessments import Assessment, parse_assessments
from sezp_roadmap.errors import InputProblem, Problem, setting_problem

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
LANDING_SETTINGS_FILE = "roadmap.yaml"
# The kinds of id the settings' id_width names: those of the extract registry (sezp_roadmap.extracts.ID_KINDS),
# written out here because settings sit below the registries.
ID_WIDTH_KINDS = ("student_id", "school_id", "dese_code")


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputProblem(Problem(file=str(path), message=f"the settings file cannot be read: {exc}")) from None
    if not isinstance(loaded, dict):
        raise InputProblem(
            Problem(file=str(path), message="the settings file must be a YAML mapping of keys to values")
        )
    return loaded


@cache
def _defaults() -> dict:
    # Read once per process: a build loads the settings in every stage, and parsing
    # the defaults was most of that. Callers get a copy (load_settings).
    return _read_yaml(DEFAULTS_FILE)


def _as_date(value: Any, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise setting_problem(key, "not a date", str(value), "a date as YYYY-MM-DD") from None


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline reads from configuration, typed and checked."""

    raw: dict
    as_of_date: dt.date
    synthetic: bool
    sources: tuple[str, ...]

    @property
    def attendance_codes(self) -> dict[str, Decimal]:
        # Decimal, not float: thresholds are compared exactly (a student with
        # 3 absences in 30 days is chronically absent).
        return {str(code): Decimal(str(spec["absent_days"])) for code, spec in self.raw["attendance_codes"].items()}

    @property
    def attendance_code_labels(self) -> dict[str, str]:
        return {str(code): str(spec.get("label", code)) for code, spec in self.raw["attendance_codes"].items()}

    @property
    def min_membership_days(self) -> int:
        return int(self.raw["attendance"]["min_membership_days"])

    @property
    def chronic_absence_pct(self) -> int:
        return int(self.raw["attendance"]["chronic_absence_pct"])

    @property
    def severe_absence_pct(self) -> int:
        return int(self.raw["attendance"]["severe_absence_pct"])

    @property
    def min_students(self) -> int:
        return int(self.raw["suppression"]["min_students"])

    @property
    def min_respondents(self) -> int:
        return int(self.raw["suppression"]["min_respondents"])

    @property
    def false_discovery_rate(self) -> float:
        """q of the Benjamini-Hochberg procedure behind a 'clear' signal: a number in (0, 1)."""
        value = self.raw["signals"]["false_discovery_rate"]
        try:
            q = float(value)
        except (TypeError, ValueError):
            q = float("nan")
        if not 0 < q < 1:
            raise setting_problem(
                "signals.false_discovery_rate", "not a usable rate", str(value), "a number between 0 and 1, e.g. 0.10"
            )
        return q

    @property
    def min_finding_n(self) -> int:
        return int(self.raw["signals"]["min_finding_n"])

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        """The assessments the assessments extract may name (settings `assessments:`), checked."""
        return parse_assessments(self.raw.get("assessments"))

    @property
    def min_sgp_students(self) -> int:
        """Below this many students a mean student growth percentile is hidden (DESE's rule: 20)."""
        value = (self.raw.get("academics") or {}).get("min_sgp_students")
        try:
            minimum = int(value)
        except (TypeError, ValueError):
            minimum = 0
        if minimum < 1 or str(minimum) != str(value).strip():
            raise setting_problem(
                "academics.min_sgp_students",
                "not a usable number of students",
                str(value),
                "a whole number of students, e.g. 20",
            )
        return minimum

    @property
    def id_widths(self) -> dict[str, int]:
        """How many digits each kind of id is written with (settings `id_width`), for those set."""
        widths = {}
        for kind, value in (self.raw.get("id_width") or {}).items():
            if value is None or str(value).strip() == "":
                continue
            if kind not in ID_WIDTH_KINDS:
                raise setting_problem(
                    f"id_width.{kind}", "not a kind of id", kind, "one of " + ", ".join(ID_WIDTH_KINDS)
                )
            try:
                width = int(value)
            except (TypeError, ValueError):
                width = 0
            if not 1 <= width <= 64 or str(width) != str(value).strip():
                raise setting_problem(
                    f"id_width.{kind}", "not a usable number of digits", value, "a whole number of digits, e.g. 7"
                )
            widths[kind] = width
        return widths

    @property
    def max_bad_row_share(self) -> float:
        return float(self.raw["validation"]["max_bad_row_share"])

    @property
    def max_outside_calendar_share(self) -> float:
        return float(self.raw["validation"]["max_outside_calendar_share"])

    @property
    def max_unknown_student_share(self) -> float:
        return float(self.raw["validation"]["max_unknown_student_share"])

    @property
    def tolerated_bad_rows(self) -> int:
        return int(self.raw["validation"]["tolerated_bad_rows"])

    @property
    def state_tolerances(self) -> dict[str, float]:
        """By metric: how far our end-of-year figure may be from DESE's and still agree."""
        return {str(metric): float(value) for metric, value in self.raw["state_figures"]["tolerance"].items()}

    def mid_year_cutoff(self, school_year: int) -> dt.date:
        """Last day of the mid-year period of a school year (default December 31)."""
        cutoffs = self.raw["mid_year_cutoff"]
        by_year = {int(k): v for k, v in (cutoffs.get("by_school_year") or {}).items()}
        if school_year in by_year:
            return _as_date(by_year[school_year], "mid_year_cutoff")
        month, day = (int(part) for part in str(cutoffs["default"]).split("-"))
        return dt.date(school_year - 1, month, day)


def load_settings(
    config_file: Path | None = None, data_dir: Path | None = None, *, today: dt.date | None = None
) -> Settings:
    """Defaults, then `<data_dir>/roadmap.yaml`, then `config_file`."""
    raw = copy.deepcopy(_defaults())
    sources = [str(DEFAULTS_FILE.name)]
    layers = []
    if data_dir is not None and (Path(data_dir) / LANDING_SETTINGS_FILE).is_file():
        layers.append(Path(data_dir) / LANDING_SETTINGS_FILE)
    if config_file is not None:
        if not Path(config_file).is_file():
            raise InputProblem(Problem(file=str(config_file), message="the settings file does not exist"))
        layers.append(Path(config_file))
    for layer in layers:
        raw = _merge(raw, _read_yaml(layer))
        sources.append(str(layer))
    as_of = raw.get("as_of_date")
    as_of_date = _as_date(as_of, "as_of_date") if as_of else (today or dt.date.today())
    settings = Settings(raw=raw, as_of_date=as_of_date, synthetic=bool(raw.get("synthetic")), sources=tuple(sources))
    # Reading each checked setting once stops the run on a bad value here, before anything is computed.
    _ = (settings.false_discovery_rate, settings.assessments, settings.min_sgp_students, settings.id_widths)
    return settings
