"""Every page has unique HTML ids, and every in-page link and label points at one: the report zone's pages in
`make test`, and every page of the sample zone's 13 schools (a whole build) in `make test-bench`."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest


def assert_unique_ids_that_resolve(pages: list[Path], root: Path) -> None:
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ids = Counter(re.findall(r'\sid="([^"]+)"', text))
        repeated = {i: n for i, n in ids.items() if n > 1}
        assert repeated == {}, f"{page.relative_to(root)} repeats ids: {repeated}"
        referenced = set(re.findall(r'\shref="#([^"]+)"', text))
        for labels in re.findall(r'\saria-(?:labelledby|describedby)="([^"]+)"', text):
            referenced.update(labels.split())
        assert referenced - set(ids) == set(), f"{page.relative_to(root)}: references to missing ids"


def test_every_page_of_the_report_zone_has_unique_ids_and_its_references_resolve(report_zone):
    _, _, reports = report_zone
    pages = sorted(reports.rglob("*.html"))
    # Each kind of page: school pages of both periods, family summaries, the zone, targets, data quality, the index.
    assert {"index.html", "data-quality.html"} <= {p.name for p in pages}
    assert any("family" in p.parts for p in pages)
    assert_unique_ids_that_resolve(pages, reports)


@pytest.mark.bench
def test_every_page_has_unique_ids_and_its_references_resolve(built_sample_zone):
    pages = sorted((built_sample_zone / "out").rglob("*.html"))
    assert len(pages) > 80  # 13 schools × 6 periods, the zone pages, the targets and data-quality pages, the index
    assert_unique_ids_that_resolve(pages, built_sample_zone)
