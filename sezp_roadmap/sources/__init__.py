"""Sources: the files a district already has, read through a source profile into the canonical extracts.

Each source system is one module here with its bundled profile, one YAML file
beside it (`aspen_x2.py` and `aspen-x2.yaml`). A module names its profile
(`NAME`, `PROFILE`) and may offer `write_sample(canonical_dir, out_dir)`,
which writes the sample zone in that system's clothes (`sezp-roadmap sample
--as NAME`). Adding a system is one module and one YAML file: the bundled
profiles are found by listing this package.

A module may also give `skip_row(extract, values)`: rows its system writes
that are no canonical row (PowerSchool's no-show enrollments), left out with
the reason counted in the report.

`prepare` is the one hook of the pipeline: when a profile applies to the
landing folder, it writes the canonical extracts into a working folder that
ingest reads instead, and ingest puts the district's file and row back on
every row (`provenance.restore`). Without a profile nothing changes.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
import shutil
from pathlib import Path
from types import ModuleType

import yaml

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import EXTRACTS, extract_of
from sezp_roadmap.sources.convert import convert
from sezp_roadmap.sources.files import canonical_files
from sezp_roadmap.sources.profile import LANDING_PROFILE_FILE, Profile, load_yaml, parse_profile
from sezp_roadmap.sources.report import Conversion


def bundled() -> dict[str, ModuleType]:
    """The bundled source modules by profile name."""
    modules = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "PROFILE"):
            modules[module.NAME] = module
    return modules


def load_profile(name_or_file: str | Path) -> Profile:
    """A bundled profile by name (`aspen-x2`), several joined (`mcas,nwea-map`), or a profile file (which may
    start from one or several: `base: aspen-x2`, `base: [aspen-x2, mcas, nwea-map]`)."""
    modules = bundled()
    if str(name_or_file) in modules:
        profile = parse_profile(Path(modules[str(name_or_file)].PROFILE).read_text(encoding="utf-8"), str(name_or_file))
        return dataclasses.replace(profile, base=str(name_or_file))
    names = [n.strip() for n in str(name_or_file).split(",")]
    if len(names) > 1 and all(n in modules for n in names):
        merged = _bundled_together(names, modules)
        profile = parse_profile(yaml.safe_dump(merged, allow_unicode=True, sort_keys=False), str(name_or_file))
        return dataclasses.replace(profile, base=",".join(names))
    path = Path(name_or_file)
    if not path.is_file():
        raise InputProblem(
            Problem(
                file=str(name_or_file),
                message="no bundled profile has this name and no profile file is there",
                expected="one of " + ", ".join(sorted(modules)) + ", or the path of a profile YAML file",
            )
        )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputProblem(Problem(file=path.name, message=f"the profile cannot be read: {exc}")) from None
    base = data.get("base") if isinstance(data, dict) else None
    if not base:
        return parse_profile(path.read_text(encoding="utf-8"), path.name)
    bases = base if isinstance(base, list) else [base]
    unknown = [b for b in bases if b not in modules]
    if unknown:
        raise InputProblem(
            Problem(
                file=f"{path.name}: base", message=f"no bundled profile '{unknown[0]}'", expected=", ".join(modules)
            )
        )
    # A district's profile gives only what differs from the bundled one: a value map's extra line, a file pattern.
    merged = _merge(_bundled_together(bases, modules), data)
    merged["base"] = ",".join(bases)
    merged["name"] = data.get("name") or f"{' + '.join(bases)} + {path.name}"
    return parse_profile(yaml.safe_dump(merged, allow_unicode=True, sort_keys=False), path.name)


def _bundled_together(names: list[str], modules: dict[str, ModuleType]) -> dict:
    """Several bundled profiles as one: a district's SIS exports and the assessment files it downloads, side by side."""
    merged: dict = {}
    for name in names:
        merged = _merge(merged, load_yaml(Path(modules[name].PROFILE).read_text(encoding="utf-8")))
    merged["name"] = " + ".join(names)
    merged["description"] = "; ".join(
        str(load_yaml(Path(modules[n].PROFILE).read_text(encoding="utf-8")).get("description") or n) for n in names
    )
    return merged


def _merge(base, override):
    """Mappings merge key by key; anything else in the override replaces the base's."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return override


def row_rule(profile: Profile):
    """The bundled module's rule for rows its system writes that are no canonical row, if it has one.

    `skip_row(extract, values)` returns why a row is left out (counted in the report), or None.
    """
    modules = bundled()
    # A profile made of several bundled ones (`base: [aspen-x2, mcas]`) has the rules of each.
    rules = [getattr(modules.get(name), "skip_row", None) for name in (profile.base or "").split(",")]
    rules = [rule for rule in rules if rule is not None]
    if len(rules) <= 1:
        return rules[0] if rules else None

    def skip_row(extract, values):
        return next((why for why in (rule(extract, values) for rule in rules) if why), None)

    return skip_row


def missing_required(conversion: Conversion) -> list[Problem]:
    """A required extract with neither a profiled file nor a canonical one: named with the files that would give it."""
    profile = conversion.profile
    have = {f.extract for f in conversion.files if not f.lookup} | {extract_of(p) for p in conversion.canonical}
    problems = []
    for extract in (e for e in EXTRACTS.values() if e.required and e.name not in have):
        spec = profile.extracts.get(extract.name)
        wanted = (
            f"a file named {' or '.join(spec.files)}, as the profile {profile.name} reads {extract.name}"
            if spec
            else f"{extract.name}.csv (the profile {profile.name} does not read {extract.name} from other files)"
        )
        problems.append(
            Problem(
                file=f"{extract.name} extract",
                message="the required extract has no file in the landing folder",
                expected=wanted,
            )
        )
    return problems


def find_profile(data_dir: Path, named: str | None = None) -> Profile | None:
    """The profile named on the command line, else the landing folder's roadmap-profile.yaml, else none."""
    if named:
        return load_profile(named)
    landing = Path(data_dir) / LANDING_PROFILE_FILE
    return load_profile(landing) if landing.is_file() else None


def prepare(data_dir: Path, named: str | None, work_dir: Path) -> tuple[Path, Conversion | None]:
    """The folder ingest reads: the landing folder itself, or (with a profile) work_dir with the canonical extracts.

    Canonical CSVs of extracts the profile does not cover are linked in as they are.
    Any problem of any profiled file stops the run, with every such problem.
    """
    if work_dir.exists():
        shutil.rmtree(work_dir)
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return data_dir, None  # ingest says the folder does not exist
    profile = find_profile(data_dir, named)
    if profile is None:
        return data_dir, None
    work_dir.mkdir(parents=True)
    conversion = convert(data_dir, profile, work_dir, row_rule(profile))
    problems = conversion.all_problems
    if problems:
        shutil.rmtree(work_dir)
        raise InputProblem(problems)
    matched = {data_dir / f.name for f in conversion.files}
    others, warnings = canonical_files(data_dir, profile, matched)
    conversion.warnings += warnings
    conversion.canonical = others
    for path in others:
        try:
            os.symlink(path.resolve(), work_dir / path.name)
        except OSError:
            shutil.copy2(path, work_dir / path.name)
    return work_dir, conversion
