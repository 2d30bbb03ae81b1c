"""The fuzz of ingest and validation (tests/fuzz_landing.py): its properties on mangled files, and every failure it found.

`make test` runs each property on the `ci` profile (the same few hundred
examples every run); `make fuzz` runs the `fuzz`-marked copies on 10,000 new
examples in all and records the run in benchmarks/results.md. Every failure a
fuzz run ever found is kept below as an @example of both.
"""

from __future__ import annotations

import gzip

import pytest
from fuzz_landing import (
    CI_INGEST,
    CI_VALIDATION,
    FUZZ_INGEST,
    FUZZ_VALIDATION,
    FuzzLanding,
    MangledFile,
    fresh_landing,
    mangled_file,
)
from hypothesis import example, given

# Failures the fuzz found, shrunk; each is checked by every property before any drawn example.
FOUND = [
    # Carriage returns alone as line ends (an old Mac export): csv.Error escaped from the header search.
    MangledFile("schools", "schools.csv", b"school_id,school_name,grade_span\rA,Alpha,6-8\rB,Beta,9-12\r", True),
    # A .csv.gz cut short, or not gzip at all: gzip's EOFError and BadGzipFile escaped from reading it.
    MangledFile("schools", "schools.csv.gz", b"\x1f", True),
    MangledFile("schools", "schools.csv.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", True),
    # A carriage return before the header (here: first on its line): DuckDB's reader ended a line there, the
    # header search did not, and the header itself was read as a data row (1 row staged, none in the file).
    MangledFile(
        "sqr", "sqr.csv.gz", gzip.compress(b"\rschool_id,school_year,review,domain,indicator,rating", mtime=0), True
    ),
]


def with_found(test):
    for found in reversed(FOUND):
        test = example(found)(test)
    return test


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> FuzzLanding:
    return fresh_landing(tmp_path_factory.mktemp("fuzz"))


def ingest_property(landing: FuzzLanding, mangled: MangledFile) -> None:
    landing.check(mangled, "ingest", validation=False)


def validation_property(landing: FuzzLanding, mangled: MangledFile) -> None:
    landing.check(mangled, "ingest and validation")


@CI_INGEST
@with_found
@given(mangled=mangled_file())
def test_ingest_of_a_mangled_file_refuses_it_or_accounts_for_every_row(landing, mangled):
    ingest_property(landing, mangled)


@CI_VALIDATION
@with_found
@given(mangled=mangled_file(rough=False))
def test_validation_of_a_mangled_file_refuses_it_or_accounts_for_every_row(landing, mangled):
    validation_property(landing, mangled)


@pytest.mark.fuzz
@FUZZ_INGEST
@with_found
@given(mangled=mangled_file())
def test_fuzz_ingest(landing, mangled):
    ingest_property(landing, mangled)


@pytest.mark.fuzz
@FUZZ_VALIDATION
@with_found
@given(mangled=mangled_file(rough=False))
def test_fuzz_ingest_and_validation(landing, mangled):
    validation_property(landing, mangled)
