"""The page's levers in numbers: what a typed value means, what a bad one is told, and the unit
each control shows."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from district_sim.calendar import MONTHS_PER_YEAR
from district_sim.cli import build_parser
from district_sim.metrics import METRICS
from district_sim.scenarios import list_scenarios, load_scenario
from district_sim.settings import SettingsError, setting_keys
from district_sim.ui import info, levers

INITIATIVES = "strategy.initiatives_per_year"   # a decimal field (step 0.1)
SPENDING = "district.spending_per_student"      # a whole-number field (dollars, step 100)


@pytest.mark.parametrize(("text", "value"), [
    ("2.5", 2.5), (" 3 ", 3.0), (".5", 0.5), ("0", 0.0), (7, 7.0), (1.25, 1.25), ("5e0", 5.0),
])
def test_a_decimal_field_reads_numbers_with_a_decimal_point(text, value):
    assert levers.parse(INITIATIVES, text) == value


@pytest.mark.parametrize(("text", "words"), [
    ("2,5", "New initiatives a year: use a decimal point (2.5, not 2,5)"),
    ("10,000", "use a decimal point"),
    ("1,2,3", "use a decimal point"),
])
def test_a_decimal_field_refuses_a_comma_instead_of_reading_25(text, words):
    with pytest.raises(SettingsError) as err:
        levers.parse(INITIATIVES, text)
    assert words in str(err.value)


@pytest.mark.parametrize(("text", "value"), [
    ("10,000", 10_000.0), ("16000", 16_000.0), ("1,000,000", 1_000_000.0), ("12,500.5", 12_500.5),
])
def test_a_whole_number_field_reads_thousands_commas(text, value):
    assert levers.parse(SPENDING, text) == value


@pytest.mark.parametrize("text", ["2,5", "10,00", "1,0000", ",500", "10,000,"])
def test_a_whole_number_field_takes_commas_only_between_thousands(text):
    with pytest.raises(SettingsError, match=r"commas may only group thousands, as in 10,000"):
        levers.parse(SPENDING, text)


@pytest.mark.parametrize(("text", "words"), [
    ("", "the field is empty"), ("lots", "'lots' is not a number"), ("1_0", "'1_0' is not a number"),
    ("nan", "'nan' is not a number"), ("infinity", "is not a number"), (math.inf, "finite"),
    (True, "enter a number"), ("5 initiatives", "is not a number"),
])
def test_what_is_not_a_number_is_said_so(text, words):
    with pytest.raises(SettingsError) as err:
        levers.parse(INITIATIVES, text)
    assert str(err.value).startswith("New initiatives a year: ") and words in str(err.value)


@pytest.mark.parametrize(("key", "text", "message"), [
    (INITIATIVES, "60", "New initiatives a year must be between 0 and 50, got 60"),
    (INITIATIVES, "-1", "New initiatives a year must be between 0 and 50, got -1"),
    ("strategy.alignment", "1.5", "Share aligned with the theory of action must be between 0 and 1, got 1.5"),
    ("strategy.initiative_duration_years", "0",
     "Years an initiative is kept must be more than 0 and at most 50 years, got 0"),
    (SPENDING, "500",
     "Spending per student must be between $1,000 and $1,000,000 a student a year, got $500"),
    ("budget.pay_level", "3", "Teacher pay must be between 0.5 and 2, got 3"),
])
def test_an_out_of_range_value_gets_plain_words_from_the_schemas_range(key, text, message):
    with pytest.raises(SettingsError) as err:
        levers.apply(load_scenario("fragmented"), key, text)
    assert str(err.value) == message
    assert "Input should" not in message and "allowed:" not in message


def test_every_levers_message_states_the_schemas_own_bounds():
    for lever in levers.LEVERS:
        info = lever.setting
        text = levers.allowed(lever.key)
        assert levers.amount(lever.key, info.low) in text and levers.amount(lever.key, info.high) in text
        assert ("more than" in text) == info.low_open and ("less than" in text) == info.high_open
        with pytest.raises(SettingsError, match=f"^{lever.name} must be "):
            levers.check(lever.key, info.high + 1)
        levers.check(lever.key, lever.low if lever.setting.contains(lever.low) else lever.high)


def test_a_value_in_range_reaches_the_settings_unchanged():
    settings, value = levers.apply(load_scenario("fragmented"), SPENDING, "12,300")
    assert value == 12_300 and settings.district.spending_per_student == 12_300


def test_every_lever_shows_its_value_and_unit():
    settings = load_scenario("fragmented")
    for lever in levers.LEVERS:
        value = levers.current(settings, lever.key)
        label = levers.display(lever.key, value)
        assert label.startswith(f"{lever.name}: ") and "(" not in lever.name
        assert lever.unit or lever.style == "share", f"{lever.key} has no unit"
        if lever.unit:
            assert label.endswith(lever.unit)
        if lever.style == "share":
            assert f"({value * 100:.0f}%)" in label


@pytest.mark.parametrize(("key", "value", "label"), [
    (INITIATIVES, 5, "New initiatives a year: 5.0 initiatives"),
    ("strategy.alignment", 0.3, "Share aligned with the theory of action: 0.30 (30%) of new initiatives"),
    (SPENDING, 16_000, "Spending per student: $16,000 a student a year"),
    ("leadership.superintendent_tenure_years", 5.5, "Superintendent tenure: 5.5 years"),
    ("budget.pay_level", 1.04, "Teacher pay: 1.04 × the starting salary schedule"),
    ("environment.budget_cut_rate", 0.1, "Chance of a budget cut a year: 0.10 (10%)"),
])
def test_display_labels_read_as_a_room_reads_them(key, value, label):
    assert levers.display(key, value) == label


def test_the_shown_digits_follow_the_step():
    assert [levers.lever(k).decimals for k in (INITIATIVES, "strategy.alignment", SPENDING,
                                               "leadership.superintendent_tenure_years")] == [1, 2, 0, 1]
    assert levers.lever(SPENDING).whole and not levers.lever(INITIATIVES).whole


def test_parse_number_serves_other_whole_number_fields_too():
    assert levers.parse_number("10,000", "Students a district", whole=True) == 10_000
    with pytest.raises(SettingsError, match="^Seed: use a decimal point"):
        levers.parse_number("1,5", "Seed")


# --- whole numbers, exactly (seeds, counts) ---------------------------------------------------

THOUSANDS_ONLY = "(commas may only group thousands, as in 10,000)"


@pytest.mark.parametrize(("text", "value"), [
    ("10,000", 10_000), ("1,250,000", 1_250_000), (" 42 ", 42), ("+7", 7), ("7.0", 7), ("1e3", 1_000),
    (12, 12), (3.0, 3), (str(2**64 + 1), 2**64 + 1), (f"{2**64 + 1:,}", 2**64 + 1),
    ("9" * 400, int("9" * 400)),
])
def test_a_whole_number_is_read_exactly_with_thousands_commas(text, value):
    got = levers.parse_whole(text, "Seed", low=0)
    assert got == value and type(got) is int


def test_a_seed_beyond_a_float_keeps_its_last_digit():
    seed = 2**64 + 1
    assert float(seed) == float(seed - 1)            # what a float would have made of it
    assert levers.parse_whole(str(seed), "Seed", low=0) - 1 == 2**64


@pytest.mark.parametrize(("text", "low", "high", "message"), [
    ("2.5", 0, None, "Seed must be a whole number of at least 0, got 2.5"),
    ("-1", 0, None, "Seed must be a whole number of at least 0, got -1"),
    (2.5, 0, None, "Seed must be a whole number of at least 0, got 2.5"),
    ("60", 1, 50, "Seed must be a whole number between 1 and 50, got 60"),
    ("20,000", 0, 10_000, "Seed must be a whole number between 0 and 10,000, got 20,000"),
    ("", 0, None, "Seed: the field is empty; enter a whole number"),
    ("lots", 0, None, "Seed: 'lots' is not a whole number"),
    ("1_0", 0, None, "Seed: '1_0' is not a whole number"),
    ("nan", 0, None, "Seed: 'nan' is not a whole number"),
    ("2,5", 0, None, f"Seed: '2,5' is not a whole number {THOUSANDS_ONLY}"),
    ("1,0000", 0, None, f"Seed: '1,0000' is not a whole number {THOUSANDS_ONLY}"),
    (True, 0, None, "Seed: enter a whole number"),
    ("1e5000", 0, None, "Seed: '1e5000' has more than 1,000 digits"),
])
def test_what_is_not_an_allowed_whole_number_is_said_in_plain_words(text, low, high, message):
    with pytest.raises(SettingsError) as err:
        levers.parse_whole(text, "Seed", low=low, high=high)
    assert str(err.value) == message


def test_a_typed_field_shows_digits_that_read_back_as_the_value():
    for key, value, text in ((SPENDING, 16_000.0, "16000"), (INITIATIVES, 2.5, "2.5"),
                             (INITIATIVES, 0.1 + 0.2, "0.3"), (INITIATIVES, 5.0, "5")):
        assert levers.field_text(key, value) == text
        assert levers.parse(key, text) == pytest.approx(value)


@pytest.mark.parametrize(("key", "sent", "thumb"), [
    ("strategy.resource_alignment", 0.7 - 0.05, 0.65), ("strategy.resource_alignment", 1.05, 1.0),
    ("strategy.resource_alignment", -0.05, 0.0), ("budget.pay_level", 1.31, 1.3),
    ("budget.pay_level", 1.04 + 1e-12, 1.04), ("leadership.superintendent_tenure_years", 5.4, 5.5),
    ("capacity.teacher_attention", 3.1, 3.0), ("strategy.initiative_duration_years", 0.7 + 0.1, 0.8),
])
def test_a_slider_value_is_where_its_thumb_is(key, sent, thumb):
    assert levers.on_slider(key, sent) == thumb


# --- the Info tab ------------------------------------------------------------------------------

def test_the_info_tab_has_netlogos_sections_in_order():
    text = info.info_markdown()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["What is it?", "How it works", "Things to notice", "Things to try",
                        "Extending the model", "Credits and references"]
    sections = text.split("\n## ")
    assert all(len(section.split()) > 40 for section in sections), "a section is nearly empty"
    assert "school month" in text and f"a school year has {MONTHS_PER_YEAR} of them" in text


def test_every_name_the_info_tab_mentions_exists():
    root = Path(__file__).resolve().parents[1]
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    names = re.findall(r"`([^`]+)`", info.info_markdown())
    assert len(names) > 20
    for name in names:
        if name.startswith("district-sim "):
            assert name.split()[1] in commands, name
        elif name.endswith(".md") or name.endswith("/"):
            assert (root / name).exists(), name
        elif name.endswith(".*"):
            assert any(k.startswith(name[:-1]) for k in setting_keys()), name
        elif "." in name:
            assert name in setting_keys(), f"{name} is not a setting"
        else:
            assert name in METRICS or name in list_scenarios(), f"{name} is neither a metric nor a scenario"
    # levers are named as the page labels them, right before their setting
    for lever in levers.LEVERS:
        if f"`{lever.key}`" in info.info_markdown():
            assert f"*{lever.name}* (`{lever.key}`)" in info.info_markdown()
