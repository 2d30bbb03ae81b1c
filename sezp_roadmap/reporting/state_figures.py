"""The state's published figures beside ours in the reports.

Everything comes from the state_figures extract (never a number written
here): a school's report shows, in its attendance and discipline sections,
its own DESE figure beside ours at the end of the year, and the most recent
district and statewide figures of each measure as context. A mid-year report
shows last year's published figures, labelled as such (DESE publishes a
year's figures after it ends). The data-quality page's reconciliation is
reporting/state_reconciliation.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from sezp_roadmap.extracts import STATE_METRICS
from sezp_roadmap.metrics import METRICS_BY_ID
from sezp_roadmap.periods import school_year_label
from sezp_roadmap.reporting.sections import ATTENDANCE_METRICS, DISCIPLINE_METRICS, Sections
from sezp_roadmap.reporting.state_reconciliation import formatted
from sezp_roadmap.warehouse import query, table_exists

STATE_NAME = "Massachusetts"


@dataclass
class StateFigures:
    """The all-students figures of the state_figures extract, by (kind, code, metric): {school year: value}."""

    figures: dict[tuple[str, str, str], dict[int, float]] = field(default_factory=dict)
    school_codes: dict[str, str] = field(default_factory=dict)  # zone school id -> its DESE code
    districts: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> StateFigures:
        loaded = cls()
        if not table_exists(con, "staging.state_figures"):  # a warehouse built before the extract existed
            return loaded
        for row in query(con, "pages/state_figures"):
            loaded.figures.setdefault((row["org_kind"], row["org_code"], row["metric"]), {})[row["school_year"]] = row[
                "value"
            ]
            if row["org_kind"] == "school":
                loaded.school_codes[row["school_id"]] = row["org_code"]
            elif row["org_kind"] == "district" and row["org_code"] not in loaded.districts:
                loaded.districts.append(row["org_code"])
        return loaded

    def _latest(self, kind: str, code: str, metric: str, up_to: int) -> tuple[int, float] | None:
        """The most recent published year at or before `up_to`, and its figure."""
        years = [y for y in self.figures.get((kind, code, metric), {}) if y <= up_to]
        return (max(years), self.figures[(kind, code, metric)][max(years)]) if years else None

    def context(
        self, school_id: str, school_year: int, period: str, metrics: list[str], ours: dict[str, str]
    ) -> dict | None:
        """What a report section shows of the state's figures for `metrics`, or None when the file has none of them.

        ours: our all-students figure of each metric as the page prints it (shown beside the school's
        DESE figure at the end of the year only). Mid-year pages use last year's published figures.
        """
        end_of_year = period == "end_of_year"
        reference = school_year if end_of_year else school_year - 1
        code = self.school_codes.get(school_id)
        places = [("district", d, "District" if len(self.districts) == 1 else f"District {d}") for d in self.districts]
        places.append(("state", "00000000", STATE_NAME))
        rows = []
        for metric in (m for m in metrics if m in STATE_METRICS):
            school = self.figures.get(("school", code, metric), {}).get(reference) if code else None
            references = []
            for kind, org, name in places:
                latest = self._latest(kind, org, metric, reference)
                if latest:
                    references.append(
                        {"name": name, "year": school_year_label(latest[0]), "value": formatted(metric, latest[1])}
                    )
            if school is None and not references:
                continue
            rows.append(
                {
                    "label": METRICS_BY_ID[metric].label,
                    "ours": ours.get(metric, "—"),
                    "school": formatted(metric, school) if school is not None else "not published",
                    "references": references,
                    "key": f"{metric}|all",
                }
            )
        if not rows:
            return None
        return {
            "rows": rows,
            "end_of_year": end_of_year,
            "year": school_year_label(reference),
            "has_school": code is not None,
            "has_references": any(r["references"] for r in rows),
        }

    def for_page(self, sections: Sections, school_id: str) -> dict:
        """The attendance and discipline sections' state context of one school's page (None where there is none)."""
        data = sections.data
        blocks = {}
        for name, metrics in (("attendance", ATTENDANCE_METRICS), ("discipline", DISCIPLINE_METRICS)):
            present = sections.present(metrics)
            ours = {
                m: sections.shown(m, data.cell(school_id, m)) for m in present if data.cell(school_id, m) is not None
            }
            blocks[name] = self.context(school_id, data.school_year, data.period, list(metrics), ours)
        return blocks
