"""The data-quality page for the data team: what the checks found in this run's extracts.

`<reports>/data-quality.html` summarises meta.findings by extract, rule and
school, with a few example rows of each rule. Like every published page it
carries no student identifier: rows are pointed to by file and row number,
which is all a data clerk needs to open the file and fix it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from jinja2 import Environment

from sezp_roadmap.config import Settings
from sezp_roadmap.findings import EXCLUDED
from sezp_roadmap.reporting.state_reconciliation import reconciliation
from sezp_roadmap.rules import RULES_BY_ID
from sezp_roadmap.validation import uncounted
from sezp_roadmap.warehouse import query

PAGE = "data-quality.html"
EXAMPLES_PER_RULE = 5
SEVERITY_LABELS = {EXCLUDED: "left out of the metrics", "warning": "used as described"}


def in_words(finding: dict) -> dict:
    """A finding's rule and severity as the pages say them: the rule's description and what the figures did with its rows."""
    spec = RULES_BY_ID.get(finding["rule"])
    return {
        "description": spec.description if spec else finding["rule"],
        "outcome": SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
    }


def _summary(con: duckdb.DuckDBPyConnection) -> dict:
    files = query(con, "pages/findings/files", {"excluded": EXCLUDED})
    rules = query(con, "pages/findings/by_rule")
    schools = query(con, "pages/findings/by_school")
    examples = query(con, "pages/findings/examples", {"examples": EXAMPLES_PER_RULE})
    by_rule: dict[tuple, list[dict]] = {}
    for example in examples:
        by_rule.setdefault((example["extract"], example["rule"]), []).append(example)
    for rule in rules:
        rule.update(in_words(rule))
        rule["examples"] = by_rule.get((rule["extract"], rule["rule"]), [])
    return {
        "files": files,
        "rules": rules,
        "schools": schools,
        "notes": uncounted.sentences(con),
        "unread": _unread(con),
    }


def _unread(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The landing folder's entries the run did not read (none in a warehouse built before they were recorded)."""
    try:
        return query(con, "pages/findings/unread_files")
    except duckdb.CatalogException:
        return []


def render_data_quality(
    con: duckdb.DuckDBPyConnection, out_dir: Path, settings: Settings, env: Environment, page: dict | None = None
) -> Path:
    """Write `<out_dir>/data-quality.html`; `page` carries the shared page variables (asset prefix, inline CSS)."""
    summary = _summary(con)
    path = Path(out_dir) / PAGE
    html = env.get_template("data_quality.html.j2").render(
        **(page or {"asset_prefix": "assets/"}),
        settings=settings,
        generated_on=settings.as_of_date,
        total=sum(r["findings"] for r in summary["rules"]),
        excluded=sum(r["findings"] for r in summary["rules"] if r["severity"] == EXCLUDED),
        share_text=uncounted.share_text,
        reconciliation=reconciliation(con),
        **summary,
    )
    path.write_text(html, encoding="utf-8")
    return path
