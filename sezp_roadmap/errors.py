"""Errors that describe bad input to a person, not to a debugger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value of one row of one file."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found '{self.value}'"
            text += f"; expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        return text


@dataclass(frozen=True)
class Summary:
    """One problem repeated over many rows of one column of one file, told once.

    The first rows stand for the others; every row is in the problems file
    (sezp_roadmap.problem_list), which the last line names.
    """

    file: str
    column: str | None
    rows: int
    reason: str
    examples: tuple[tuple[int | None, str | None], ...]  # (row, value) of the first rows
    expected: str | None = None
    distinct_values: int | None = None
    cause: str | None = None  # the likely cause, when recognisable
    fix: str | None = None
    listed_in: str | None = None  # the file with every row

    def __str__(self) -> str:
        where = self.file + (f", column '{self.column}'" if self.column else "")
        count = f"{self.rows:,} rows"
        if self.distinct_values and self.distinct_values < self.rows:
            count += f" ({self.distinct_values:,} different values)"
        shown = ", ".join(f"row {row}" + (f" '{value}'" if value is not None else "") for row, value in self.examples)
        more = ", ..." if self.rows > len(self.examples) else ""
        lines = [f"{where}: {count}: {self.reason} ({shown}{more})"]
        if self.expected:
            lines[0] = lines[0][:-1] + f"; expected {self.expected})"
        if self.cause or self.fix:
            lines.append("    " + " ".join(t for t in (self.cause and f"Likely cause: {self.cause}.", self.fix) if t))
        if self.listed_in:
            lines.append(f"    Every row: {self.listed_in}")
        return "\n".join(lines)


def setting_problem(key: str, message: str, value=None, expected: str | None = None) -> InputProblem:
    """A setting that cannot be used, named by its key in the settings ('signals.false_discovery_rate')."""
    return InputProblem(
        Problem(
            file=f"settings: {key}", message=message, value=None if value is None else str(value), expected=expected
        )
    )


class InputProblem(Exception):
    """The input cannot be used; the run stops and nothing is published.

    Carries every problem found, so the data team can fix a file in one pass.
    """

    def __init__(self, problems: list[Problem | Summary] | Problem | Summary | str, *, limit: int = 50):
        if isinstance(problems, (Problem, Summary, str)):
            problems = [problems]
        self.problems = [p if isinstance(p, (Problem, Summary)) else Problem(file="input", message=p) for p in problems]
        shown = self.problems[:limit]
        lines = [str(p) for p in shown]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems of the same kinds")
        super().__init__("\n".join(lines))
        self._limit = limit

    def __reduce__(self):
        # Raised in a report worker process, it is pickled back to the run with its problems, not its text.
        return (InputProblem, (self.problems,), {"_limit": self._limit})


def require_landing_folder(data_dir: Path) -> None:
    """The landing folder must be a folder: a file (one extract, the usual slip) is named as one."""
    if Path(data_dir).is_file():
        raise InputProblem(
            Problem(
                file=str(data_dir),
                message="this is a file, and the landing folder is the folder that holds the extract files",
                expected=f"a folder, for example {Path(data_dir).resolve().parent}",
            )
        )
    if not Path(data_dir).is_dir():
        raise InputProblem(Problem(file=str(data_dir), message="the landing folder does not exist"))
