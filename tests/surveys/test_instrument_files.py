"""Loading instruments from files: clear errors for each kind of mistake; versions with
responses never change."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from surveys.choices import Channel
from surveys.instrument_files import InstrumentFileError, check_instrument
from surveys.models import Instrument, Item, ScoringRule
from surveys.services import instrument_load, instrument_load_refusal, response_record
from tests.audit import audit_as

from .factories import built_in

DATA = Path(__file__).parent / "data"
MEASURE = json.loads((DATA / "fictional_measure.json").read_text())


def problems_of(data) -> list[str]:
    with pytest.raises(InstrumentFileError) as caught:
        check_instrument(data)
    return caught.value.problems


def test_a_good_file_passes():
    checked = check_instrument(MEASURE)
    assert checked.key == "fictional-calm-connection"
    assert len(checked.items) == 7
    lookup = checked.rules[0].lookup
    assert lookup is not None
    assert lookup["7"] == 10.25


def test_unknown_domain():
    data = copy.deepcopy(MEASURE)
    data["items"][2]["domain"] = "hopes"
    assert (
        "Item 3: domain 'hopes' has no scoring rule (give it one in 'scoring', or use a domain that has one)."
        in (problems_of(data))
    )


def test_scale_with_no_labels():
    data = copy.deepcopy(MEASURE)
    data["scales"]["often5"] = [{"value": v} for v in range(1, 6)]
    problems = problems_of(data)
    assert "Scale 'often5', point 1: every point needs a label." in problems
    data["scales"]["often5"] = []
    assert "Scale 'often5' has no points: give a list of values with labels." in problems_of(data)


def test_duplicate_item_numbers():
    data = copy.deepcopy(MEASURE)
    data["items"][4]["number"] = 2
    assert "Item number 2 is used more than once." in problems_of(data)


def test_lookup_table_that_misses_raw_totals():
    data = copy.deepcopy(MEASURE)
    del data["scoring"][0]["lookup"]["20"]
    del data["scoring"][0]["lookup"]["35"]
    assert (
        "Scoring for 'other': the lookup table misses raw totals 20, 35 (it must cover 7 to 35)."
        in problems_of(data)
    )


def test_every_problem_is_reported_at_once():
    data = copy.deepcopy(MEASURE)
    data["items"][0]["domain"] = "mood"
    data["items"][1]["number"] = 1
    data["scoring"][0]["method"] = "median"
    assert len(problems_of(data)) >= 3


def test_command_loads_the_fictional_measure_and_it_scores_by_its_table(world):
    out = StringIO()
    call_command("load_instrument", str(DATA / "fictional_measure.json"), stdout=out)
    assert "Loaded 'Fictional calm and connection scale'" in out.getvalue()
    instrument = Instrument.objects.get(key="fictional-calm-connection", version=1)
    assert instrument.items.count() == 7

    # Answers 3, 2 (reversed: 4), 4, 4, 5, 3, 2 -> raw 3+4+4+4+5+3+2 = 25 -> table says 37.25
    answers = {1: 3, 2: 2, 3: 4, 4: 4, 5: 5, 6: 3, 7: 2}
    response, created = response_record(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=__import__("uuid").uuid4(),
        answers=answers,
        instrument=instrument,
    )
    assert created
    assert dict(response.scores.values_list("domain", "score")) == {"other": Decimal("37.25")}


def test_command_reads_yaml(db):
    call_command("load_instrument", str(DATA / "fictional_two_domains.yaml"), stdout=StringIO())
    instrument = Instrument.objects.get(key="fictional-two-domains")
    assert list(instrument.items.values_list("number", "reverse_scored")) == [
        (1, False),
        (2, True),
        (3, False),
        (4, False),
        (5, True),
    ]
    assert instrument.scoring_rules.get(domain="control").method == "sum"


def test_command_names_each_problem(tmp_path, db):
    data = copy.deepcopy(MEASURE)
    data["items"][0]["domain"] = "mood"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CommandError) as caught:
        call_command("load_instrument", str(bad), stdout=StringIO())
    assert "nothing was loaded" in str(caught.value)
    assert "Item 1: domain 'mood' has no scoring rule" in str(caught.value)
    assert not Instrument.objects.filter(key="fictional-calm-connection").exists()


def test_command_check_only_loads_nothing(db):
    out = StringIO()
    call_command("load_instrument", str(DATA / "fictional_measure.json"), "--check", stdout=out)
    assert "is fine" in out.getvalue()
    assert not Instrument.objects.filter(key="fictional-calm-connection").exists()


def test_a_version_with_responses_is_never_changed(world):
    instrument, _ = instrument_load(checked=check_instrument(MEASURE))
    response_record(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=__import__("uuid").uuid4(),
        answers=dict.fromkeys(range(1, 8), 3),
        instrument=instrument,
    )
    changed = copy.deepcopy(MEASURE)
    changed["items"][0]["text"] = "A different statement."
    with pytest.raises(ValidationError, match="already has responses"):
        instrument_load(checked=check_instrument(changed))

    # Nor through the models directly.
    item = instrument.items.get(number=1)
    item.text = "Changed"
    with pytest.raises(ValidationError, match="cannot change"):
        item.save()
    with pytest.raises(ValidationError, match="cannot change"):
        item.full_clean()
    with pytest.raises(ValidationError, match="cannot change"):
        item.delete()
    with pytest.raises(ValidationError, match="cannot change"):
        Item(instrument=instrument, number=99, text="New", domain="other", scale=[]).save()
    rule = instrument.scoring_rules.get()
    rule.min_answered = 1
    with pytest.raises(ValidationError, match="cannot change"):
        rule.save()
    instrument.title = "Renamed"
    with pytest.raises(ValidationError, match="cannot change"):
        instrument.save()
    with pytest.raises(ValidationError, match="cannot change"):
        Instrument.objects.get(pk=instrument.pk).delete()
    assert Item.objects.get(pk=item.pk).text != "Changed"
    assert ScoringRule.objects.get(pk=rule.pk).min_answered == 7

    # A new version loads beside it.
    changed["version"] = 2
    new, created = instrument_load(checked=check_instrument(changed))
    assert created and new.items.get(number=1).text == "A different statement."


def test_an_unused_version_may_be_replaced(db):
    instrument_load(checked=check_instrument(MEASURE))
    changed = copy.deepcopy(MEASURE)
    changed["items"][0]["text"] = "Replaced wording."
    instrument, created = instrument_load(checked=check_instrument(changed))
    assert not created
    assert instrument.items.get(number=1).text == "Replaced wording."


def test_built_in_check_in_is_loaded_by_migration(db):
    instrument = built_in()
    assert instrument.title == "Hope, control and opportunity check-in"
    items = list(instrument.items.all())
    assert 9 <= len(items) <= 12
    for domain in ("hope", "control", "opportunity"):
        assert sum(1 for item in items if item.domain == domain) >= 3
    assert all(len(item.scale) == 5 and all(p["label"] for p in item.scale) for item in items)
    assert set(instrument.scoring_rules.values_list("domain", flat=True)) == {
        "hope",
        "control",
        "opportunity",
    }


def test_rules_name_their_domain_kind_and_direction_with_defaults():
    from surveys.instrument_files import read_instrument_file

    data = read_instrument_file(DATA / "fictional_two_domains.yaml")
    data["items"][2]["domain"] = "helped_plan"
    data["scoring"].append(
        {
            "domain": "helped_plan",
            "method": "mean",
            "label": "Helped me plan",
            "kind": "service",
            "higher_is_better": False,
        }
    )
    checked = check_instrument(data)
    rules = {r.domain: (r.label, r.kind, r.higher_is_better) for r in checked.rules}
    assert rules["helped_plan"] == ("Helped me plan", "service", False)
    # No label, kind or direction given: the slug's words, wellbeing, higher is better.
    assert rules["hope"] == ("Hope", "wellbeing", True)


def test_bad_domain_names_kinds_and_directions_are_each_named():
    data = copy.deepcopy(MEASURE)
    data["items"][0]["domain"] = "Not A Slug"
    data["scoring"][0]["kind"] = "mood"
    data["scoring"][0]["higher_is_better"] = "yes"
    problems = problems_of(data)
    assert any("domain 'Not A Slug' is not a name to use" in p for p in problems)
    assert any("unknown kind 'mood' (use wellbeing or service)" in p for p in problems)
    assert any("'higher_is_better' must be true or false" in p for p in problems)


def test_loading_stores_label_kind_and_direction(db):
    data = copy.deepcopy(MEASURE)
    data["key"] = "fictional-labelled"
    data["scoring"][0].update(label="Calm and connected", kind="service", higher_is_better=False)
    instrument, _ = instrument_load(checked=check_instrument(data))
    rule = instrument.scoring_rules.get(domain=data["scoring"][0]["domain"])
    assert (rule.label, rule.kind, rule.higher_is_better) == (
        "Calm and connected",
        "service",
        False,
    )


def test_the_check_names_the_version_to_give_and_never_refuses_another_instrument(world):
    instrument, _ = instrument_load(checked=check_instrument(MEASURE))
    response_record(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=__import__("uuid").uuid4(),
        answers=dict.fromkeys(range(1, 8), 3),
        instrument=instrument,
    )
    version, key = MEASURE["version"], MEASURE["key"]

    assert instrument_load_refusal(checked=check_instrument(MEASURE)) == (
        f"Version {version} of '{key}' already has responses, so it cannot change. "
        f"Give the file version {version + 1} (or higher) and load it again."
    )
    other = copy.deepcopy(MEASURE) | {"key": "another-measure"}
    assert instrument_load_refusal(checked=check_instrument(other)) is None
