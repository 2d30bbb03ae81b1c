"""A district's files, read through its profile, written as the canonical extracts.

`convert` reads every file a profile's globs match, maps its columns and
values, parses its dates, pairs entry and withdrawal records and turns
attendance flags into codes. It reports, per file, the columns it found, the
rows it read and wrote, and every problem: a value the profile does not map
(with how many rows have it and the line to add), a date that none of the
declared formats reads, a column that is missing, a record that cannot be
paired. Nothing is guessed and no row is left out silently.

With an output folder it writes one canonical CSV per district file
(`<extract>__<file>.csv`) and, beside them in `_sources/`, which district row
each canonical row came from and which district column each field came from
(`sezp_roadmap.sources.provenance` puts them back on the rows and messages
after ingest). Without one it only reports (`sezp-roadmap profile check`).
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import json
import re
from functools import partial
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.periods import school_year_of
from sezp_roadmap.sources import race as race_rule
from sezp_roadmap.sources.files import file_sha256, matched_files, schools_by_code
from sezp_roadmap.sources.profile import (
    ENTRY_WITHDRAWAL,
    FLAGS,
    ISO_FORMATS,
    NO_CODE,
    ExtractProfile,
    Profile,
)
from sezp_roadmap.sources.report import FLAG_FIELDS, Conversion, FileReport, tally, yaml_key
from sezp_roadmap.sources.spells import Record, pair_spells
from sezp_roadmap.sources.tables import UnreadableFile, open_table

SOURCES_DIR = "_sources"
MANIFEST = "manifest.json"


def _normalise(name: str) -> str:
    # A byte-order mark read in a one-byte encoding shows as "ï»¿": it is no part of the name either.
    return name.replace("\ufeff", "").replace("\u00ef\u00bb\u00bf", "").strip().lower()


def _is_required(spec: ExtractProfile, name: str) -> bool:
    """Whether a file must have a column for the field (optional contract columns, most flags and a derivable year need not)."""
    if name in spec.constants:
        return False
    columns = {c.name: c for c in EXTRACTS[spec.extract].columns}
    if name in spec.group_fields and name in columns and columns[name].nullable:
        # A wide file's layouts differ by year: a group's column that may be empty may also be absent
        # (MCAS's preliminary files have no scaled score or growth percentile).
        return False
    if name in ("excused", "tardy", "dismissed", "portion", "reason"):
        return False
    if name == "school_year":
        return not _year_from(spec)
    columns = {c.name: c for c in EXTRACTS[spec.extract].columns}
    return columns[name].required if name in columns else True


def _year_from(spec: ExtractProfile) -> str | None:
    """The date field a missing school_year is derived from (the school year runs July 1 to June 30)."""
    if spec.shape == ENTRY_WITHDRAWAL:
        return "date"
    return {"calendar": "date", "enrollment": "entry_date", "assessments": "test_date"}.get(spec.extract)


def _date_fields(spec: ExtractProfile) -> set[str]:
    names = {c.name for c in EXTRACTS[spec.extract].columns if c.kind == "date"}
    if spec.shape == ENTRY_WITHDRAWAL:
        names.add("date")
    return (names | set(spec.dates)) & set(spec.fields)


def convert(data_dir: Path, profile: Profile, out_dir: Path | None = None, skip_row=None) -> Conversion:
    """Read every profiled file; with out_dir, write the canonical extracts and their provenance there."""
    result = Conversion(profile)
    matched, lookups, result.problems = matched_files(data_dir, profile)
    manifest = {"profile": profile.name, "source": profile.source, "files": {}}
    if out_dir is not None:
        (out_dir / SOURCES_DIR).mkdir(parents=True, exist_ok=True)
    for extract, paths in matched.items():
        spec = profile.extracts[extract]
        if not paths:
            result.warnings.append(
                f"the profile {profile.name} reads {extract} from files named {' or '.join(spec.files)}; none is in the folder"
            )
        records: list[Record] = []
        by_student = _read_lookup(lookups[extract], spec, result) if spec.lookup is not None else None
        codes = schools_by_code(data_dir, spec.school_codes) if spec.school_codes else None
        reports = []
        for path in paths:
            # A wide file is read once per group of columns, each giving canonical rows of its own.
            for variant in spec.groups or (spec,):
                report = FileReport(spec.extract, path.name, group=variant.label, entry=spec.name)
                result.files.append(report)
                reports.append(report)
                # Spells are written once every record of the extract is read (a re-entry may be in another file).
                writes = out_dir is not None and spec.shape != ENTRY_WITHDRAWAL
                rows = _row_strategy(path, variant, report, result, records, by_student, skip_row, codes)
                try:
                    read_table(path, variant, report, result, out_dir if writes else None, rows)
                except UnreadableFile as exc:
                    result.problems.append(exc.problem)
                    break
        if spec.shape == ENTRY_WITHDRAWAL:
            _write_spells(records, spec, result, out_dir)
        if out_dir is not None:
            for report in reports:
                if report.canonical_name:
                    manifest["files"][report.canonical_name] = {
                        "extract": spec.extract,
                        "district_file": report.name,
                        # meta.load_files describes the district's file, not its canonical copy.
                        "sha256": file_sha256(data_dir / report.name),
                        "bytes": (data_dir / report.name).stat().st_size,
                        "columns": _provenance_columns(spec, report),
                    }
    if out_dir is not None:
        (out_dir / SOURCES_DIR / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return result


def _provenance_columns(spec: ExtractProfile, report: FileReport) -> dict[str, str]:
    """The district column each canonical column of a staging row came from, for messages."""
    columns = dict(report.columns)
    if spec.shape == ENTRY_WITHDRAWAL and "date" in columns:
        columns["entry_date"] = columns["exit_date"] = columns.pop("date")
    if spec.two_question:
        columns["race_ethnicity"] = " + ".join(columns[f] for f in ("hispanic", "race") if f in columns)
    if spec.shape == FLAGS:
        columns["code"] = ", ".join(columns[f] for f in (*FLAG_FIELDS, "portion", "reason") if f in columns)
    return {k: v for k, v in columns.items() if k in EXTRACTS[spec.extract].column_names}


class _Writer:
    """One canonical CSV for one district file, and the district row of each of its rows.

    Made once the file's header is read: an optional column of the contract is
    written when the file (or its lookup) has it.
    """

    def __init__(self, out_dir: Path, spec: ExtractProfile, report: FileReport):
        name = report.name[: -len(".csv")] if report.name.lower().endswith(".csv") else report.name
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + (f"__{spec.label}" if spec.label else "")
        canonical, n = f"{spec.extract}__{stem}.csv", 1
        while (out_dir / canonical).exists():  # two names that differ only in characters replaced above
            n += 1
            canonical = f"{spec.extract}__{stem}_{n}.csv"
        report.canonical_name = canonical
        looked_up = set(spec.lookup.columns) if spec.lookup is not None else set()
        present = set(_provenance_columns(spec, report)) | looked_up
        self.columns = [c.name for c in EXTRACTS[spec.extract].columns if c.required or c.name in present]
        self.report = report
        self.handle = open(out_dir / report.canonical_name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.rows_handle = open(out_dir / SOURCES_DIR / (report.canonical_name + ".rows"), "w")  # noqa: SIM115
        self.rows_handle.write("canonical_row,source_row\n")
        self.csv = csv.writer(self.handle, lineterminator="\n")
        self.csv.writerow(self.columns)

    def write(self, values: dict[str, str], row: int) -> None:
        self.csv.writerow([values.get(c, "") for c in self.columns])
        # The canonical row as ingest numbers it (the header is row 1), and the district's row.
        self.rows_handle.write(f"{self.report.written + 2},{row}\n")
        self.report.written += 1

    def close(self) -> None:
        self.handle.close()
        self.rows_handle.close()


def _positions(spec: ExtractProfile, header: list[str], report: FileReport, looked_up: set[str]) -> dict[str, int]:
    """Where each field's column is in the header (names match whatever their case and surrounding spaces)."""
    where: dict[str, int] = {}
    for index, cell in enumerate(header):
        where.setdefault(_normalise(cell), index)
    positions = {}
    for name in spec.fields:
        found = next((c for c in spec.columns.get(name, ()) if _normalise(c) in where), None)
        if found is not None:
            positions[name] = where[_normalise(found)]
            report.columns[name] = header[positions[name]].strip()
        elif _is_required(spec, name) and name not in looked_up:
            report.missing.append(name)
    return positions


def _missing_columns(
    spec: ExtractProfile, columns: dict, file: str, header_row: int, missing: list[str]
) -> list[Problem]:
    problems = []
    for name in missing:
        named = columns.get(name)
        problems.append(
            Problem(
                file=file,
                row=header_row,
                column=" or ".join(named) if named else name,
                message=f"the header has no column for {name}",
                expected=f"a column {' or '.join(repr(n) for n in named)}"
                if named
                else f"the column of {name} under `extracts: {spec.extract}: columns:` in the profile",
            )
        )
    return problems


def _map_row(
    spec: ExtractProfile,
    positions: dict[str, int],
    cells: list[str],
    columns: dict,
    result: Conversion,
    file: str,
    row: int,
) -> dict[str, str] | None:
    """A row's fields, its values mapped and its dates read; None when a value does not map or a date does not read."""
    values: dict[str, str] = {}
    ok = True
    dates = _date_fields(spec)
    for name, index in positions.items():
        cell = cells[index].strip() if index < len(cells) else ""
        if cell in spec.null_values:
            cell = ""
        if name in spec.values and (cell or "" in spec.values[name]):
            table = spec.values[name]
            parts = [cell]
            if name == "race" and spec.race_separator and cell not in table:
                parts = [p.strip() for p in cell.split(spec.race_separator) if p.strip()]
            mapped_parts = [_map_value(table, p) for p in parts]
            for part, m in zip(parts, mapped_parts):
                if m is None:
                    tally(result.unmapped, (spec.name, name, part), file, columns[name], row)
            if None in mapped_parts:
                ok = False
                continue
            cell = (spec.race_separator or "").join(mapped_parts)
        if cell and name in dates:
            parsed = _parse_date(cell, spec.dates.get(name, ()))
            if parsed is None:
                tally(result.bad_dates, (spec.name, name, cell), file, columns[name], row)
                ok = False
                continue
            cell = (parsed + dt.timedelta(days=spec.day_shift.get(name, 0))).isoformat()
        values[name] = cell
    return values if ok else None


def _read_lookup(paths: list[Path], spec: ExtractProfile, result: Conversion) -> dict[str, dict[str, str]]:
    """The lookup's fields by student id; a student twice with different values is an error naming both rows."""
    lookup = spec.lookup
    by_student: dict[str, dict[str, str]] = {}
    first_row: dict[str, tuple[str, int]] = {}
    # No lookup file is a problem only for rows that need one (_FormatRows names them).
    for path in paths:
        report = FileReport(spec.extract, path.name, lookup=True)
        result.files.append(report)
        try:
            table = open_table(path, lookup.fmt)
        except UnreadableFile as exc:
            result.problems.append(exc.problem)
            continue
        where = {}
        for index, cell in enumerate(table.header):
            where.setdefault(_normalise(cell), index)
        positions = {}
        for name, alternatives in lookup.columns.items():
            found = next((c for c in alternatives if _normalise(c) in where), None)
            if found is not None:
                positions[name] = where[_normalise(found)]
                report.columns[name] = table.header[positions[name]].strip()
            elif name == lookup.key:
                report.missing.append(name)
        if report.missing:
            result.problems += _missing_columns(spec, lookup.columns, path.name, table.header_row, report.missing)
            continue
        for row, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            values = _map_row(spec, positions, cells, report.columns, result, path.name, row)
            if values is None:
                continue
            student = values.pop(lookup.key, "")
            if student in by_student and by_student[student] != values:
                file, first = first_row[student]
                result.problems.append(
                    Problem(
                        file=path.name,
                        row=row,
                        column=report.columns[lookup.key],
                        value=student,
                        message=f"this {lookup.key} is in the lookup twice, with other values in {file}, row {first}",
                        expected=f"one row per {lookup.key} in the export the profile looks fields up in",
                    )
                )
                continue
            by_student[student] = values
            first_row.setdefault(student, (path.name, row))
    return by_student


def _row_strategy(path, spec: ExtractProfile, report, result, records, by_student, skip_row, codes):
    """What reads the file's rows once its header is known: the keys vendor files use, or the format's own."""
    if spec.reshape is not None:
        # A vendor file's keys (patterns, bands, ...): sezp_roadmap.sources.reshaped.
        return partial(VendorRows, path, spec, report, result, codes=codes)
    return partial(
        _FormatRows,
        path,
        spec,
        report,
        result,
        records=records,
        by_student=by_student,
        skip_row=skip_row,
        school_codes=codes,
    )


def read_table(path: Path, spec: ExtractProfile, report: FileReport, result: Conversion, out_dir, rows) -> None:
    """Read one district file (or one group of a wide one) into canonical rows, written into out_dir or only counted.

    What every wide file's reading shares: the table opened, its kept rows, the
    group's columns and the missing ones judged, each row counted and written.
    `rows(header)` makes the strategy that finds the fields' columns in the
    header (filling the report's columns and missing fields) and gives each
    district row's canonical row: _FormatRows (the format's own keys) or
    reshaped.VendorRows (the keys vendor files use).
    """
    table = open_table(path, spec.fmt)
    keep = _keep_positions(spec, table.header, report, result, path.name, table.header_row)
    if keep is None:
        return
    reader = rows(table.header)
    if not reader.has_group:
        # A layout without this group's columns (an MCAS file of a year without science): no rows, said so.
        result.warnings.append(f"{path.name}: no column of the group {spec.label}; it gave no rows")
        if reader.forgets_missing_without_group:
            report.missing.clear()
        return
    if report.missing:
        missing = _missing_columns(spec, spec.columns, path.name, table.header_row, report.missing)
        if reader.says_missing_once:
            # Each group of a wide file misses the file's own columns: said once.
            missing = [p for p in missing if p not in result.problems]
        result.problems += missing
        return
    writer = _Writer(out_dir, spec, report) if out_dir is not None else None
    try:
        for row, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            left_out = _not_kept(keep, cells)
            if left_out:
                report.left_out[left_out] += 1
                continue
            values = reader.values(row, cells)
            if values is None:
                continue
            if writer is not None:
                writer.write(values, row)
            else:
                report.written += 1
    finally:
        if writer is not None:
            writer.close()
    result.problems += reader.problems()


class _FormatRows:
    """The format's own keys (docs/sources.md, "The profile format"): a column per field, value maps and dates,
    constants, lookups, school codes, the two-question race form, attendance flags, entry and withdrawal records.

    A record of entry_withdrawal shape is kept in `records` (spells are paired once every file is read) and gives
    no row here.
    """

    # A file without the group's columns lists no missing field (the warning says why it gave no rows), and
    # each group of a wide file names the columns it misses.
    forgets_missing_without_group = True
    says_missing_once = False

    def __init__(
        self,
        path: Path,
        spec: ExtractProfile,
        report: FileReport,
        result: Conversion,
        header: list[str],
        records: list[Record],
        by_student: dict[str, dict[str, str]] | None,
        skip_row,
        school_codes: dict[str, str] | None,
    ):
        self.spec, self.report, self.result, self.file = spec, report, result, path.name
        self.records, self.by_student, self.skip_row, self.school_codes = records, by_student, skip_row, school_codes
        looked_up = set(spec.lookup.columns) if spec.lookup is not None else set()
        self.positions = _positions(spec, header, report, looked_up)
        fields = spec.fields
        self.year_from = None if "school_year" in self.positions or "school_year" not in fields else _year_from(spec)
        # A file with every field of its own needs no lookup.
        self.needs_lookup = by_student is not None and any(f not in self.positions for f in looked_up)

    @property
    def has_group(self) -> bool:
        return not self.spec.group_fields or any(f in self.positions for f in self.spec.group_fields)

    def problems(self) -> list[Problem]:
        return []  # its value problems are the conversion's tallies, told for every file at once

    def values(self, row: int, cells: list[str]) -> dict[str, str] | None:
        """The canonical row of one district row; None when it is no row (counted) or a value is a problem."""
        spec, report, result, file = self.spec, self.report, self.result, self.file
        values = _map_row(spec, self.positions, cells, report.columns, result, file, row)
        if values is None:
            return None
        if spec.group_fields and not any(values.get(f) for f in spec.group_fields):
            report.left_out[f"no result in the columns of {spec.label}"] += 1
            return None
        for name, value in spec.constants.items():
            values.setdefault(name, value)
        if self.needs_lookup:
            key = spec.lookup.key
            found = self.by_student.get(values.get(key, ""))
            if found is None:
                tally(result.not_looked_up, (spec.name, file), file, report.columns.get(key, key), row)
                return None
            for name, value in found.items():
                values.setdefault(name, value)
        if self.school_codes is not None and values.get("school_id"):
            school = self.school_codes.get(values["school_id"])
            if school is None:
                column = report.columns.get("school_id", "school_id")
                tally(result.unknown_school_codes, (spec.name, values["school_id"]), file, column, row)
                return None
            values["school_id"] = school
        if self.year_from and values.get(self.year_from):
            values["school_year"] = str(school_year_of(dt.date.fromisoformat(values[self.year_from])))
        if spec.extract == "attendance" and values.get("code") == NO_CODE:
            # A district code that is no exception (present): the value map says so, by name.
            report.not_exceptions += 1
            return None
        reason = self.skip_row(spec.extract, values) if self.skip_row is not None else None
        if reason:
            report.left_out[reason] += 1
            return None
        if spec.two_question:
            races = values.pop("race", "")
            parts = races.split(spec.race_separator) if spec.race_separator else [races]
            values["race_ethnicity"] = race_rule.dese_category(values.pop("hispanic", ""), [p for p in parts if p])
        if spec.shape == FLAGS:
            code = _flag_code(spec, values, result, file, report, row)
            if code is None:
                return None
            if code == NO_CODE:
                report.not_exceptions += 1
                return None
            values["code"] = code
        if spec.shape == ENTRY_WITHDRAWAL:
            _add_record(values, self.records, report, result, file, row)
            return None
        return values


def _keep_positions(spec: ExtractProfile, header: list[str], report, result, file: str, header_row: int):
    """Where the keep_rows columns are: {position: (column, kept values)}; None (and a problem) when one is missing."""
    where: dict[str, int] = {}
    for index, cell in enumerate(header):
        where.setdefault(_normalise(cell), index)
    missing = [c for c in spec.keep_rows if _normalise(c) not in where]
    if missing:
        result.problems += [
            Problem(
                file=file,
                row=header_row,
                column=c,
                message="the header has no column the profile's keep_rows names",
                expected=f"a column '{c}'",
            )
            for c in missing
        ]
        return None
    return {where[_normalise(c)]: (c, set(values)) for c, values in spec.keep_rows.items()}


def _not_kept(keep: dict, cells: list[str]) -> str | None:
    for index, (column, values) in keep.items():
        cell = cells[index].strip() if index < len(cells) else ""
        if cell not in values:
            return f"{column} is not {' or '.join(sorted(values))} (keep_rows)"
    return None


def _map_value(table: dict[str, str], cell: str) -> str | None:
    """A value map's entry for a cell: its own line, else the first line with wildcards that matches a non-empty cell
    (`"*"` is any other non-empty value, `"Mathematics | *"` any course of that subject); None when none does."""
    if cell in table:
        return table[cell]
    if not cell:
        return None
    return next((v for k, v in table.items() if ("*" in k or "?" in k) and fnmatch.fnmatchcase(cell, k)), None)


def _parse_date(text: str, formats: tuple[str, ...]) -> dt.date | None:
    for fmt in (*formats, *ISO_FORMATS):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _flag_value(values: dict[str, str], name: str) -> str:
    # An empty or absent flag is a flag not set.
    return values.get(name) or "N"


def _flag_code(spec: ExtractProfile, values: dict, result: Conversion, file: str, report: FileReport, row: int):
    """The code of the first rule every condition of which the row meets; None (and a problem) when none does."""
    for rule in spec.rules:
        if all(_meets(values, k, v) for k, v in rule.when):
            return rule.code
    shown = {f: _flag_value(values, f) for f in FLAG_FIELDS if f in report.columns}
    if "portion" in report.columns:
        shown["portion"] = values.get("portion") or "0"
    if values.get("reason"):
        shown["reason"] = values["reason"]
    combination = ", ".join(f"{k}: {yaml_key(v) if k == 'reason' else v}" for k, v in shown.items())
    columns = ", ".join(report.columns[f] for f in (*FLAG_FIELDS, "portion", "reason") if f in report.columns)
    tally(result.unmatched_flags, (spec.extract, combination), file, columns, row)
    return None


def _meets(values: dict, name: str, wanted: str) -> bool:
    if name == "portion":
        try:
            return float(values.get("portion") or 0) == float(wanted)
        except ValueError:
            return False
    if name in FLAG_FIELDS:
        return _flag_value(values, name) == wanted
    return (values.get(name) or "") == wanted


def _add_record(values: dict, records: list[Record], report: FileReport, result: Conversion, file: str, row: int):
    kind = values.pop("record_type", "")
    date = values.pop("date", "")
    if kind == "skip":
        report.skipped_records += 1
        return
    if kind not in ("entry", "withdrawal") or not date:
        # Without its type or date a record cannot be placed in a spell.
        missing = "record_type" if kind not in ("entry", "withdrawal") else "date"
        result.problems.append(
            Problem(
                file=file,
                row=row,
                column=report.columns.get(missing, missing),
                message=f"an enrollment record without its {'type' if missing == 'record_type' else 'date'}",
                expected="every entry and withdrawal record with its type and date",
            )
        )
        return
    records.append(
        Record(
            values.get("student_id", ""),
            values.get("school_id", ""),
            dt.date.fromisoformat(date),
            kind,
            values,
            file,
            row,
            report.columns.get("date", "date"),
        )
    )


def _write_spells(records: list[Record], spec: ExtractProfile, result: Conversion, out_dir: Path | None) -> None:
    spells, problems = pair_spells(records)
    result.problems += problems
    writers: dict[str, _Writer] = {}
    reports = {r.name: r for r in result.files if r.extract == spec.extract}
    for spell in spells:
        values = dict(spell.entry.fields)
        values["entry_date"] = spell.entry.date.isoformat()
        values["exit_date"] = spell.exit.date.isoformat() if spell.exit else ""
        values["school_year"] = values.get("school_year") or str(school_year_of(spell.entry.date))
        report = reports[spell.entry.file]
        if out_dir is None:
            report.written += 1
            continue
        if spell.entry.file not in writers:
            writers[spell.entry.file] = _Writer(out_dir, spec, report)
        writers[spell.entry.file].write(values, spell.entry.row)
    for writer in writers.values():
        writer.close()


# Vendor files read through the reshaping keys (sezp_roadmap.sources.reshape); it reads with this module's helpers.
from sezp_roadmap.sources.reshaped import VendorRows  # noqa: E402
