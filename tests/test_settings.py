"""The settings a run reads: the packaged defaults, then the landing folder's roadmap.yaml, then --config."""

from sezp_roadmap.config import LANDING_SETTINGS_FILE, load_settings


def test_the_landing_folders_settings_override_the_defaults_and_a_config_file_overrides_both(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / LANDING_SETTINGS_FILE).write_text("suppression:\n  min_students: 12\n  min_respondents: 7\n")
    config = tmp_path / "more.yaml"
    config.write_text("suppression:\n  min_students: 15\n")
    both = load_settings(config, landing)
    assert (both.min_students, both.min_respondents) == (15, 7)
    assert both.sources == ("defaults.yaml", str(landing / LANDING_SETTINGS_FILE), str(config))
    assert (load_settings(None, landing).min_students, load_settings().min_students) == (12, 10)


def test_each_load_gets_settings_of_its_own():
    # The defaults are parsed once per process: a change to one run's settings must not reach the next.
    first = load_settings()
    first.raw["suppression"]["min_students"] = 1
    first.raw["attendance"]["chronic_absence_pct"] = 50
    again = load_settings()
    assert (again.min_students, again.chronic_absence_pct) == (10, 10)
