"""Turning the library's input problems into Dagster failures a person can read."""

from contextlib import contextmanager

import dagster as dg

from sezp_roadmap.errors import InputProblem


@contextmanager
def explained_failures():
    """Bad input fails the step with the plain-language list of problems, not a traceback."""
    try:
        yield
    except InputProblem as problem:
        raise dg.Failure(
            description=str(problem),
            metadata={"problems": dg.MetadataValue.int(len(problem.problems))},
            allow_retries=False,
        ) from None
