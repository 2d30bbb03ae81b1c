"""What the README says about schedules and the sensor is what the definitions do."""

import re

import dagster as dg

from sezp_roadmap.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _repository():
    from pipelines.definitions import defs

    return defs.get_repository_def()


def test_schedules_are_on_from_the_start_as_the_readme_says():
    assert "Schedules are on by\ndefault once the daemon runs" in README
    schedules = _repository().schedule_defs
    assert {s.name for s in schedules} == {"nightly_refresh", "mid_year_publication", "end_of_year_publication"}
    for schedule in schedules:
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name


def test_the_sensor_is_off_until_turned_on_as_the_readme_says():
    assert "`landing_folder_sensor` (off until turned on)" in README
    assert "dagster sensor start landing_folder_sensor -m pipelines.definitions" in README
    (sensor,) = _repository().sensor_defs
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED


def test_the_readme_names_the_commands_the_install_provides():
    """Every `make <target>` the README mentions exists in the Makefile."""
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.M))
    mentioned = set(re.findall(r"`make ([a-z][\w-]*)", README))
    assert {"demo", "dev", "sql"} <= mentioned
    assert mentioned <= targets
