"""The settings schema, scenario files and overrides: every bad input names the setting."""

from __future__ import annotations

import pytest

import district_sim as ds
from district_sim.settings import Settings, SettingsError, apply_overrides, parse_value, validate

PUBLIC_KEYS = [
    "district.students", "district.schools", "strategy.initiatives_per_year", "strategy.alignment",
    "strategy.resource_alignment", "strategy.buffering", "capacity.teacher_attention",
]


@pytest.mark.parametrize("key", PUBLIC_KEYS)
def test_public_keys_exist_and_override(key):
    value = 40 if key.startswith("district") else 0.25
    settings = ds.load_scenario("focused", {key: value})
    section, name = key.split(".")
    assert getattr(getattr(settings, section), name) == value


def test_required_scenarios_exist_and_validate():
    names = ds.list_scenarios()
    assert {"fragmented", "focused"} <= set(names)
    what_ifs = [n for n in names if n not in ("fragmented", "focused")]
    assert len(what_ifs) >= 6
    for name, description in names.items():
        assert description, f"{name} has no description"
        assert ds.load_scenario(name).name == name


def test_fragmented_and_focused_differ_as_the_case_says():
    frag, foc = ds.load_scenario("fragmented"), ds.load_scenario("focused")
    assert frag.strategy.initiatives_per_year > foc.strategy.initiatives_per_year
    assert frag.strategy.alignment < foc.strategy.alignment
    assert frag.strategy.resource_alignment < foc.strategy.resource_alignment
    assert frag.strategy.initiative_duration_years < foc.strategy.initiative_duration_years


def test_base_chain_merges_and_lists_replace():
    s = ds.load_scenario("focused_unbuffered")
    assert s.strategy.buffering == 0.0
    assert s.strategy.alignment == ds.load_scenario("focused").strategy.alignment
    assert [k.kind for k in s.shocks] == ["state_mandate", "state_mandate"]
    s2 = ds.load_scenario("focused_unbuffered", {"shocks": []})
    assert s2.shocks == []


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"strategy.alignment": 1.5}, "strategy.alignment"),
        ({"strategy.alignment": -0.1}, "strategy.alignment"),
        ({"strategy.alignmnt": 0.5}, "strategy.alignmnt: unknown setting"),
        ({"nosuch.key": 1}, "nosuch.key: unknown setting"),
        ({"district.students": 0}, "district.students"),
        ({"district.students": "many"}, "district.students"),
        ({"district.schools": 10, "district.students": 5}, "district.schools"),
        ({"capacity.teacher_attention": 0}, "capacity.teacher_attention"),
        ({"shocks": [{"kind": "meteor", "year": 1, "magnitude": 0.1}]}, "shocks.0.kind"),
        ({"shocks": [{"kind": "budget_cut", "year": 1, "magnitude": 2}]}, "between 0 and 0.5"),
        ({"shocks": [{"kind": "budget_cut", "year": 0, "magnitude": 0.2}]}, "shocks.0.year"),
    ],
)
def test_bad_values_name_the_setting(overrides, fragment):
    with pytest.raises(ValueError) as err:
        ds.load_scenario("focused", overrides)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_range_is_stated():
    with pytest.raises(SettingsError, match=r">= 0 and <= 1"):
        ds.load_scenario("focused", {"strategy.buffering": 3})


def test_unknown_scenario_and_missing_file(tmp_path):
    with pytest.raises(SettingsError, match="unknown scenario 'nope'"):
        ds.load_scenario("nope")
    with pytest.raises(SettingsError, match="no such file"):
        ds.load_scenario(tmp_path / "missing.toml")


def test_malformed_toml_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[strategy\nalignment = 0.5\n")
    with pytest.raises(SettingsError, match="bad.toml: malformed TOML"):
        ds.load_scenario(bad)


def test_unknown_key_in_file(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("[strategy]\nalignmnt = 0.5\n")
    with pytest.raises(SettingsError, match="strategy.alignmnt: unknown setting"):
        ds.load_scenario(f)


def test_file_scenario_with_base(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('base = "focused"\n[strategy]\nbuffering = 0.2\n')
    s = ds.load_scenario(f)
    assert s.name == "mine" and s.strategy.buffering == 0.2
    assert s.strategy.alignment == ds.load_scenario("focused").strategy.alignment


def test_parse_value_reads_toml_literals():
    assert parse_value("5000") == 5000
    assert parse_value("0.5") == 0.5
    assert parse_value("false") is False
    assert parse_value("abc") == "abc"


def test_overrides_do_not_mutate_input():
    data = {"strategy": {"alignment": 0.3}}
    out = apply_overrides(data, {"strategy.alignment": 0.9})
    assert data["strategy"]["alignment"] == 0.3 and out["strategy"]["alignment"] == 0.9


def test_validation_error_is_a_value_error():
    with pytest.raises(ValueError):
        validate({"district": {"students": -1}})
    assert isinstance(Settings(), Settings)


def test_parameter_docs_are_generated_from_the_schema():
    from pathlib import Path

    from district_sim.paramdoc import render

    doc = Path(__file__).parent.parent / "docs" / "parameters.md"
    assert doc.read_text() == render(), "run: python -m district_sim.paramdoc"


def test_every_parameter_has_a_source_or_reason():
    from pydantic import BaseModel

    for section, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name, f in model.model_fields.items():
                assert f.description and len(f.description) > 15, f"{section}.{name}"


def test_every_setting_states_its_source_or_reason():
    """CONTRIBUTING: every parameter default has a source or a stated reason (docs/parameters.md
    is generated from these descriptions). Ablation switches are exempt: they are not values."""
    import re

    marker = re.compile(r"\b(19|20)\d\d\b|Stated reason|stated reason|Calibrated|Scenario-specific|NAEP|"
                        r"NCES|PELP|by construction")
    missing = []
    for section, field in ds.Settings.model_fields.items():
        fields = getattr(field.annotation, "model_fields", None)
        if not fields or section == "mechanisms":
            continue
        missing += [f"{section}.{name}" for name, f in fields.items()
                    if not marker.search(f.description or "")]
    assert not missing, missing


def test_a_whole_section_given_a_number_is_named_in_one_line():
    with pytest.raises(ValueError, match="initiatives") as err:
        ds.load_scenario("focused", {"initiatives": 3})
    assert "\n" not in str(err.value)
