"""A source profile: a district's own export files, described once in YAML (the format is in docs/sources.md).

A profile says, for each extract it covers, which files hold it (glob
patterns), how to read them (CSV with a declared encoding and delimiter, or
an Excel sheet with its header row), which column holds each field, how the
district's values map to the data contract's, and which date formats its
dates use. Extracts a profile does not name are read from the canonical CSVs
in the landing folder, exactly as without a profile.

Every scalar of the YAML is read as text: `07`, `0` and `Y` stay what they
say (plain YAML would turn `07` into the number 7 and `yes` into true).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass, field

import yaml

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.sources import reshape as reshaping

# The schools columns a school_id may be read as (school_codes): DESE's code, the school's name, or its id
# itself (a vendor export that writes a school's id in some rows and its name in others: [school_id, school_name]).
SCHOOL_CODE_COLUMNS = ("state_school_id", "school_name", "school_id")
# The file a landing folder names its profile in.
LANDING_PROFILE_FILE = "roadmap-profile.yaml"

# Shapes of a district's rows besides one row per canonical row, and the fields each adds.
ROWS, ENTRY_WITHDRAWAL, FLAGS, WIDE = "rows", "entry_withdrawal", "flags", "wide"
SHAPES = {
    ROWS: (),
    # Several canonical rows in one district row (DESE's MCAS file: a student's ELA, math and science
    # results side by side): one group of columns per canonical row, each with its own constants.
    WIDE: (),
    # Enrollment as entry and withdrawal records (Aspen X2's Student Enrollment, PowerSchool's re-enrollments
    # written one record per event): the record's date and its type, mapped to `entry`, `withdrawal` or `skip`.
    ENTRY_WITHDRAWAL: ("date", "record_type"),
    # Attendance as flags (Aspen X2): each row's flags and reason give one code through the profile's rules.
    FLAGS: ("absent", "excused", "tardy", "dismissed", "portion", "reason"),
}
SHAPE_EXTRACTS = {ENTRY_WITHDRAWAL: "enrollment", FLAGS: "attendance"}
RECORD_TYPES = ("entry", "withdrawal", "skip")
# The federal two-question form of race and ethnicity: a Hispanic/Latino flag and one or more races.
TWO_QUESTION_FIELDS = ("hispanic", "race")
# What a flags rule gives for a row that is no attendance exception (a comment record, a cancelled absence).
NO_CODE = "none"
# Dates always read besides the declared formats: ISO dates, and ISO date-times (cut to the date).
ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class _TextLoader(yaml.SafeLoader):
    """Every plain scalar is text."""


_TextLoader.yaml_implicit_resolvers = {}


def load_yaml(text: str):
    """YAML with every plain scalar as text."""
    return yaml.load(text, Loader=_TextLoader)


@dataclass(frozen=True)
class FileFormat:
    kind: str = "csv"  # csv or xlsx
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    sheet: str | None = None  # xlsx: the sheet's name; the first sheet when not given
    header_row: int = 1  # the row of the header, as a spreadsheet numbers it


@dataclass(frozen=True)
class FlagRule:
    """Conditions on a flags row's fields (after value maps) and the code a row meeting them gets."""

    when: tuple[tuple[str, str], ...]
    code: str
    line: int  # the rule's line in the profile, for messages


@dataclass(frozen=True)
class Lookup:
    """A second export giving fields by student (a students export: grade, demographics) to rows that lack them.

    A row's own column wins; a field its file does not have comes from the
    lookup row of its key (student_id unless `key:` says otherwise). Value maps
    and date formats are the extract's.
    """

    files: tuple[str, ...]
    fmt: FileFormat
    columns: dict[str, tuple[str, ...]]
    key: str = "student_id"  # the field a row and its lookup row share (SSDR: the offense's incident_id)


@dataclass(frozen=True)
class ExtractProfile:
    extract: str
    files: tuple[str, ...]
    fmt: FileFormat
    columns: dict[str, tuple[str, ...]]  # field -> the district's column (alternatives, first found wins)
    values: dict[str, dict[str, str]]  # field -> district value -> canonical value
    dates: dict[str, tuple[str, ...]]  # field -> date formats (strptime)
    null_values: tuple[str, ...] = ()
    shape: str = ROWS
    rules: tuple[FlagRule, ...] = ()
    race_separator: str | None = None  # several races in one cell, separated by this
    lookup: Lookup | None = None
    # Fields with one value for every row (a file without the column: its assessment, its administration).
    constants: dict[str, str] = field(default_factory=dict)
    # A wide file's groups, each read as a rows profile of its own (its columns and constants added).
    groups: tuple[ExtractProfile, ...] = ()
    label: str | None = None  # a group's name, in its canonical file's name and in reports
    # A group's own fields: a row with none of them filled has no result in this group.
    group_fields: tuple[str, ...] = ()
    # Days added to a date once read (PowerSchool's exit date is the first day the student is gone: -1).
    day_shift: dict[str, int] = field(default_factory=dict)
    # school_id read as a code of the schools extract (state_school_id: DESE's 8-digit code), mapped to its school.
    school_codes: tuple[str, ...] = ()  # the schools columns a code is looked up in, the first that has it
    # Rows kept: a column and its values (PowerSchool's daily attendance, not its period attendance);
    # the rows left out are counted in the report, never dropped unseen.
    keep_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The entry's name in the profile when it is not its extract's (two vendors' files for one extract).
    entry: str = ""
    # The keys vendor files use (patterns, join, choose, bands, skip, day_in_year): sezp_roadmap.sources.reshape.
    reshape: reshaping.Reshape | None = None

    @property
    def name(self) -> str:
        """The entry's key under `extracts:` in the profile."""
        return self.entry or self.extract

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields a row of this shape is read into."""
        base = list(EXTRACTS[self.extract].column_names)
        if self.shape == ENTRY_WITHDRAWAL:
            base = [c for c in base if c not in ("entry_date", "exit_date")]
        if self.shape == FLAGS:
            base = [c for c in base if c != "code"]
        if self.two_question:
            base = [c for c in base if c != "race_ethnicity"]
        return (*base, *SHAPES[self.shape], *(TWO_QUESTION_FIELDS if self.two_question else ()))

    @property
    def two_question(self) -> bool:
        looked_up = self.lookup.columns if self.lookup is not None else {}
        return any(f in self.columns or f in looked_up for f in TWO_QUESTION_FIELDS)


@dataclass(frozen=True)
class Profile:
    name: str
    source: str  # where it was read from: a bundled profile's name or a file
    extracts: dict[str, ExtractProfile] = field(default_factory=dict)
    description: str = ""
    # The bundled profile it is, or starts from (`base:`): its module's rules apply (sezp_roadmap.sources).
    base: str | None = None


def _problem(source: str, key: str, message: str, expected: str | None = None) -> Problem:
    return Problem(file=f"{source}: {key}", message=message, expected=expected)


def _lines_of(text: str) -> dict[tuple[str, ...], int]:
    """The line of every mapping key and list item, by its path (for messages naming a rule's line)."""
    lines: dict[tuple[str, ...], int] = {}
    node = yaml.compose(text, Loader=_TextLoader)

    def walk(n, path):
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                lines[(*path, k.value)] = k.start_mark.line + 1
                walk(v, (*path, k.value))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                lines[(*path, str(i))] = v.start_mark.line + 1
                walk(v, (*path, str(i)))

    if node is not None:
        walk(node, ())
    return lines


def parse_profile(text: str, source: str) -> Profile:
    """A profile from its YAML text; every problem with it at once, named by its key."""
    try:
        data = yaml.load(text, Loader=_TextLoader) or {}
    except yaml.YAMLError as exc:
        raise InputProblem(_problem(source, "YAML", f"the profile cannot be read: {exc}")) from None
    if not isinstance(data, dict) or not isinstance(data.get("extracts"), dict):
        raise InputProblem(_problem(source, "extracts", "the profile names no extracts", "a mapping `extracts:`"))
    lines = _lines_of(text)
    problems: list[Problem] = []
    extracts = {}
    for name, spec in data["extracts"].items():
        try:
            extracts[name] = _extract_profile(name, spec, source, lines)
        except InputProblem as exc:
            problems += exc.problems
    if problems:
        raise InputProblem(problems)
    return Profile(
        str(data.get("name") or source),
        source,
        extracts,
        str(data.get("description") or ""),
        str(data["base"]) if data.get("base") else None,
    )


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _file_format(spec: dict, source: str, key: str, base: FileFormat | None = None) -> tuple[FileFormat, list[Problem]]:
    """How a file is read; a lookup's format starts from its extract's."""
    base = base or FileFormat()
    problems = []
    kind = str(spec.get("format", base.kind)).lower()
    if kind not in ("csv", "xlsx"):
        problems.append(_problem(source, f"{key}.format", f"unknown format '{kind}'", "csv or xlsx"))
    encoding = str(spec.get("encoding", base.encoding))
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(
            _problem(source, f"{key}.encoding", f"unknown encoding '{encoding}'", "e.g. utf-8, windows-1252")
        )
    header_row = str(spec.get("header_row", base.header_row))
    if not header_row.isdigit() or int(header_row) < 1:
        problems.append(_problem(source, f"{key}.header_row", f"not a row number: '{header_row}'", "1 or more"))
    delimiter = str(spec.get("delimiter", base.delimiter))
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    sheet = spec.get("sheet", base.sheet)
    return FileFormat(kind, encoding, delimiter, sheet, int(header_row) if header_row.isdigit() else 1), problems


def _extract_profile(name: str, spec, source: str, lines) -> ExtractProfile:
    key = f"extracts.{name}"
    # An entry is named after its extract, or names it (`extract: assessments`) when several vendors' files feed one.
    entry, name = name, str(spec.get("extract") or name) if isinstance(spec, dict) else name
    if name not in EXTRACTS:
        raise InputProblem(_problem(source, key, "not an extract", "one of " + ", ".join(EXTRACTS)))
    if not isinstance(spec, dict) or not spec.get("files"):
        raise InputProblem(
            _problem(source, f"{key}.files", "no file pattern given", "a glob such as '*Attendance*.csv'")
        )
    fmt, problems = _file_format(spec, source, key)
    shape = str(spec.get("shape", ROWS))
    if shape not in SHAPES:
        problems.append(_problem(source, f"{key}.shape", f"unknown shape '{shape}'", ", ".join(SHAPES)))
    elif shape in SHAPE_EXTRACTS and SHAPE_EXTRACTS[shape] != name:
        problems.append(
            _problem(source, f"{key}.shape", f"the {shape} shape is for {SHAPE_EXTRACTS[shape]}, not {name}")
        )
    columns = {str(k): _as_tuple(v) for k, v in (spec.get("columns") or {}).items()}
    values = {str(f): {str(k): str(v) for k, v in (m or {}).items()} for f, m in (spec.get("values") or {}).items()}
    dates = {str(f): _as_tuple(v) for f, v in (spec.get("dates") or {}).items()}
    rules = tuple(
        FlagRule(
            tuple((str(k), str(v)) for k, v in (rule.get("when") or {}).items()),
            str(rule.get("code", "")),
            lines.get(("extracts", entry, "codes", str(i)), 0),
        )
        for i, rule in enumerate(spec.get("codes") or [])
    )
    profile = ExtractProfile(
        name,
        _as_tuple(spec["files"]),
        fmt,
        columns,
        values,
        dates,
        _as_tuple(spec.get("null_values")),
        shape if shape in SHAPES else ROWS,
        rules,
        spec.get("race_separator"),
        entry=entry if entry != name else "",
    )
    shifts = {str(k): str(v) for k, v in (spec.get("day_shift") or {}).items()}
    problems += [
        _problem(source, f"{key}.day_shift.{k}", f"not a whole number of days: '{v}'", "e.g. -1")
        for k, v in shifts.items()
        if not v.lstrip("-").isdigit()
    ]
    keep = {str(k): _as_tuple(v) for k, v in (spec.get("keep_rows") or {}).items()}
    profile = dataclasses.replace(
        profile,
        day_shift={k: int(v) for k, v in shifts.items() if v.lstrip("-").isdigit()},
        keep_rows=keep,
        school_codes=_as_tuple(spec.get("school_codes")),
    )
    problems += [
        _problem(
            source, f"{key}.school_codes", f"'{c}' is not a code column of schools", " or ".join(SCHOOL_CODE_COLUMNS)
        )
        for c in profile.school_codes
        if c not in SCHOOL_CODE_COLUMNS
    ]
    problems += [
        _problem(source, f"{key}.day_shift.{k}", "not a date field of this extract", "a field under `dates:`")
        for k in shifts
        if k not in profile.fields
    ]
    lookup = spec.get("lookup")
    if lookup is not None:
        if not isinstance(lookup, dict) or not lookup.get("files"):
            problems.append(_problem(source, f"{key}.lookup.files", "no file pattern given", "a glob"))
        else:
            lookup_fmt, lookup_problems = _file_format(lookup, source, f"{key}.lookup", fmt)
            problems += lookup_problems
            lookup_columns = {str(k): _as_tuple(v) for k, v in (lookup.get("columns") or {}).items()}
            lookup_key = str(lookup.get("key", "student_id"))
            if lookup_key not in lookup_columns:
                problems.append(
                    _problem(
                        source,
                        f"{key}.lookup.columns",
                        f"a lookup needs the column of its key {lookup_key}",
                        lookup_key,
                    )
                )
            profile = dataclasses.replace(
                profile, lookup=Lookup(_as_tuple(lookup["files"]), lookup_fmt, lookup_columns, lookup_key)
            )
            problems += [
                _problem(source, f"{key}.lookup.columns.{f}", "not a field of this extract", ", ".join(profile.fields))
                for f in lookup_columns
                if f not in profile.fields
            ]
    constants = {str(k): str(v) for k, v in (spec.get("constants") or {}).items()}
    profile = dataclasses.replace(profile, constants=constants)
    # Attached before the groups are made, so that each group reads with the vendor keys too.
    reshape, reshape_problems = reshaping.parse(
        spec, profile.fields, lambda k, message, expected=None: _problem(source, f"{key}.{k}", message, expected)
    )
    problems += reshape_problems
    if reshape is not None:
        if profile.shape not in (ROWS, WIDE) or profile.lookup is not None or profile.two_question:
            problems.append(
                _problem(
                    source, key, "the keys of vendor files read the rows and wide shapes, without lookup or race fields"
                )
            )
        profile = dataclasses.replace(profile, reshape=reshape)
    groups = spec.get("groups") or []
    if profile.shape == WIDE and not groups:
        problems.append(
            _problem(source, f"{key}.groups", "the wide shape needs its groups", "a list of {name:, columns:}")
        )
    if groups and profile.shape != WIDE:
        problems.append(_problem(source, f"{key}.shape", "groups are read only in the wide shape", "shape: wide"))
    variants = []
    for i, group in enumerate(groups):
        group_columns = {str(k): _as_tuple(v) for k, v in ((group or {}).get("columns") or {}).items()}
        group_constants = {str(k): str(v) for k, v in ((group or {}).get("constants") or {}).items()}
        label = str((group or {}).get("name") or "_".join(group_constants.values()) or f"group{i + 1}")
        problems += [
            _problem(
                source, f"{key}.groups.{i}.{section}.{f}", "not a field of this extract", ", ".join(profile.fields)
            )
            for section, fields in (("columns", group_columns), ("constants", group_constants))
            for f in fields
            if f not in profile.fields
        ]
        variants.append(
            dataclasses.replace(
                profile,
                shape=ROWS,
                columns={**columns, **group_columns},
                constants={**constants, **group_constants},
                label=re.sub(r"[^A-Za-z0-9_-]+", "_", label),
                group_fields=tuple(group_columns),
            )
        )
    profile = dataclasses.replace(profile, groups=tuple(variants))
    problems += [
        _problem(source, f"{key}.constants.{f}", "not a field of this extract", ", ".join(profile.fields))
        for f in constants
        if f not in profile.fields
    ]
    known = set(profile.fields)
    for section, fields in (("columns", columns), ("values", values), ("dates", dates)):
        problems += [
            _problem(source, f"{key}.{section}.{f}", "not a field of this extract", ", ".join(profile.fields))
            for f in fields
            if f not in known
        ]
    if profile.shape == FLAGS and not rules:
        problems.append(_problem(source, f"{key}.codes", "the flags shape needs its rules", "a list of {when:, code:}"))
    problems += [
        _problem(source, f"{key}.codes", f"a rule names '{k}', not a flag", ", ".join(SHAPES[FLAGS]))
        for rule in rules
        for k, _ in rule.when
        if k not in SHAPES[FLAGS]
    ]
    if problems:
        raise InputProblem(problems)
    return profile
