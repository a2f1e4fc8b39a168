"""A district scaled down by ``district.students`` alone keeps its 40 schools, each too small for one
class a grade: the settings say so (a warning, never an error, and the results do not move)."""

import subprocess
import sys
import warnings

import pandas as pd
import pytest

import district_sim as ds
from district_sim import settings as settings_module
from district_sim.settings import GRADES, Settings, SmallSchoolWarning


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    """Each test sees sizes as new: a size is warned of once a process."""
    monkeypatch.setattr(settings_module, "_WARNED_SIZES", set())


def test_grades_are_the_models_grades():
    from district_sim.state.students import GRADES as MODEL_GRADES

    assert GRADES == MODEL_GRADES


def test_forty_schools_of_fifty_students_are_warned_of_with_the_settings_and_figures():
    with pytest.warns(SmallSchoolWarning) as seen:
        ds.load_scenario("focused", {"district.students": 2000})
    (w,) = seen
    text = str(w.message)
    for part in ("district.students=2000", "district.schools=40", "schools of 50 students",
                 "district.class_size=22 = 286", "district.schools=6 or fewer"):
        assert part in text, part
    assert w.filename == __file__  # points at the code that chose the size


@pytest.mark.parametrize("students, schools, warned", [(20_000, 40, False), (572, 2, False), (571, 2, True),
                                                       (100, 1, True)])
def test_the_line_is_one_class_a_grade_in_the_smallest_school(students, schools, warned):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        Settings(district={"students": students, "schools": schools})
    assert any(issubclass(w.category, SmallSchoolWarning) for w in seen) == warned


def test_a_district_too_small_for_one_school_says_to_raise_students():
    with pytest.warns(SmallSchoolWarning, match=r"raise district.students to at least 286"):
        Settings(district={"students": 100, "schools": 1})


def test_a_size_is_warned_of_once_however_often_it_is_validated():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ds.compare(["focused", "fragmented"], years=0.1, replicates=2,
                   overrides={"district.students": 1300, "district.schools": 10})
    assert sum(issubclass(w.category, SmallSchoolWarning) for w in seen) == 1


def test_the_warning_does_not_move_results():
    size = {"district.students": 900, "district.schools": 6}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warned = ds.run("focused", years=1, seed=2, overrides=size)
    assert any(issubclass(w.category, SmallSchoolWarning) for w in seen)
    settings_module._WARNED_SIZES.add((900, 6, 22))  # as if warned already: no warning this time
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSchoolWarning)
        quiet = ds.run("focused", years=1, seed=2, overrides=size)
    pd.testing.assert_frame_equal(warned, quiet)


def test_on_the_command_line_the_warning_is_one_plain_line():
    r = subprocess.run([sys.executable, "-m", "district_sim.cli", "run", "focused", "--years", "0.1",
                        "--set", "district.students=2000"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stderr.splitlines() if "warning" in line.lower()]
    assert len(lines) == 1 and lines[0].startswith("district-sim: warning: district.students=2000")
    assert "SmallSchoolWarning" not in r.stderr and "sys.exit" not in r.stderr
