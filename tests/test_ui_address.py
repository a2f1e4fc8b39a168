"""A link to the page: what its query string may set, and the one line a bad value gets."""

from __future__ import annotations

import pytest

from district_sim.ui import address, controls
from district_sim.ui.session import DEFAULT_REPLICATES, DEFAULT_STUDENTS


def test_no_query_is_the_default_opening_and_size():
    options = address.parse(None)
    assert options == address.parse("") == address.PageOptions()
    assert options.opening_months == 100 == controls.OPENING_MONTHS
    assert (options.students, options.runs) == (DEFAULT_STUDENTS, DEFAULT_REPLICATES)


def test_a_query_sets_each_option_as_the_page_writes_numbers():
    options = address.parse("year=0&students=2,000&schools=4&runs=3")
    assert (options.year, options.opening_months) == (0, 0)
    assert (options.students, options.schools, options.runs) == (2000, 4, 3)
    assert options.problems == ()


@pytest.mark.parametrize(("query", "words"), [
    ("year=41", "year (how far the opening runs) must be a whole number between 0 and 40, got 41"),
    ("students=1999", "students (in each district) must be a whole number between 2,000 and 50,000"),
    ("runs=2.5", "runs (of each side) must be a whole number"),
    ("schools=", "schools (in each district): the field is empty"),
    ("colour=red", "unknown setting 'colour' (it takes year, students, schools, runs)"),
])
def test_a_bad_value_is_named_with_its_range_and_left_at_its_default(query, words):
    options = address.parse(query)
    assert len(options.problems) == 1 and words in options.problems[0]
    assert options.problems[0].startswith("The page's address: ")
    fields = {k: v for k, v in options.__dict__.items() if k != "problems"}
    assert fields == {k: v for k, v in address.PageOptions().__dict__.items() if k != "problems"}


def test_the_ranges_are_the_page_controls_ranges():
    for name, key in (("students", "students"), ("schools", "schools"), ("runs", "replicates")):
        assert address.OPTIONS[name][1:] == controls.SIZES[key][:2]
