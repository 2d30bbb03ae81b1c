"""Every page of the sample zone has unique HTML ids, and every in-page link and label points at one."""

from __future__ import annotations

import re
from collections import Counter


def test_every_page_has_unique_ids_and_its_references_resolve(built_sample_zone):
    pages = sorted((built_sample_zone / "out").rglob("*.html"))
    assert len(pages) > 80  # 13 schools × 6 periods, the zone pages, the targets and data-quality pages, the index
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ids = Counter(re.findall(r'\sid="([^"]+)"', text))
        repeated = {i: n for i, n in ids.items() if n > 1}
        assert repeated == {}, f"{page.relative_to(built_sample_zone)} repeats ids: {repeated}"
        referenced = set(re.findall(r'\shref="#([^"]+)"', text))
        for labels in re.findall(r'\saria-(?:labelledby|describedby)="([^"]+)"', text):
            referenced.update(labels.split())
        assert referenced - set(ids) == set(), f"{page.relative_to(built_sample_zone)}: references to missing ids"
