"""The metric registry drives the engine and the reports: every entry is complete and resolvable."""

from sezp_roadmap.metrics import METRICS, METRICS_BY_ID, metric_for
from sezp_roadmap.paths import SQL_DIR
from tests.test_metrics_surveys import build


def test_every_entry_is_complete():
    for m in METRICS:
        assert m.direction in ("higher", "lower"), m.id
        assert m.unit in ("percent", "days", "per_100", "score", "rating", "percentile"), m.id
        assert m.population in ("students", "respondents", "indicators"), m.id
        assert (SQL_DIR / "work" / "metrics" / f"{m.sql}.sql").is_file(), m.id
        assert m.label and m.description.endswith("."), m.id
    assert {
        "attendance_rate",
        "chronic_absence_rate",
        "avg_days_absent",
        "iss_rate",
        "oss_rate",
        "any_suspension_rate",
        "incidents_per_100",
        "days_removed_per_100",
        "family_favorable",
        "educator_ici",
    } <= set(METRICS_BY_ID)


def test_topic_and_domain_ids_resolve_to_their_family():
    assert metric_for("family_favorable:communication").id == "family_favorable:*"
    assert metric_for("educator:peer_culture").id == "educator:*"
    assert metric_for("sqr:instruction").population == "indicators"
    assert metric_for("chronic_absence_rate").higher_is_better is False
    assert metric_for("no_such_metric") is None


def test_every_published_metric_has_a_registry_entry_and_a_catalog_row():
    con = build(min_respondents=1)
    published = {m for (m,) in con.execute("select distinct metric from marts.metric_values").fetchall()}
    catalog = {m for (m,) in con.execute("select metric from marts.metric_catalog").fetchall()}
    assert all(metric_for(m) is not None for m in published)
    assert published <= catalog
