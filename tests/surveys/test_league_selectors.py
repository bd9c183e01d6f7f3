"""League reads take each domain's name, kind and direction from its instrument's scoring rule."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from surveys.choices import DomainKind, Measure
from surveys.selectors import BUILT_IN_KEY
from surveys.selectors import league as reads
from surveys.statistics import VariationIcon

from .factories import InstrumentFactory, ItemFactory, ScoringRuleFactory
from .league_factories import period_scores, spread

pytestmark = pytest.mark.django_db

MONTHS = [datetime.date(2025, month, 1) for month in range(1, 13)]


def _loaded_instrument(*, higher_is_better: bool = True):
    """A trust's own check-in: one wellbeing domain, one about the team's help."""
    instrument = InstrumentFactory.create(key="trust-wellbeing")
    ScoringRuleFactory.create(
        instrument=instrument,
        domain="wellness",
        label="Feeling well",
        kind=DomainKind.WELLBEING,
        higher_is_better=higher_is_better,
    )
    ScoringRuleFactory.create(
        instrument=instrument, domain="support", label="Felt supported", kind=DomainKind.SERVICE
    )
    ItemFactory.create(instrument=instrument, number=1, domain="wellness")
    ItemFactory.create(instrument=instrument, number=2, domain="support")
    return instrument


def _rows(world, *, key: str, domain: str, measure: str, months=MONTHS, rising: bool = True):
    for i, month in enumerate(months):
        # A step after the fourth month, up or down.
        level = 3.0 + ((1.0 if rising else -1.0) if i >= 4 else 0.0)
        period_scores(
            trust=world.trust,
            scores={world.team: spread(level, 20), world.other_team: spread(3.0, 20)},
            period=month,
            domain=domain,
            measure=measure,
            instrument_key=key,
        )


def test_a_loaded_instruments_wellbeing_domain_defaults_to_change_with_its_label(world):
    # Given a trust's own instrument with rows for both measures of both domains
    _loaded_instrument()
    for domain in ("wellness", "support"):
        for measure in (Measure.LEVEL, Measure.CHANGE):
            _rows(world, key="trust-wellbeing", domain=domain, measure=measure, months=MONTHS[:1])
    # When the choices are read
    options = reads.league_options(trust_id=world.trust.pk)
    # Then the service domain comes first and is the default, as a level
    assert options.default is not None
    assert (options.default.domain, options.default.measure) == ("support", Measure.LEVEL)
    assert options.default.domain_label == "Felt supported"
    assert options.domains["trust-wellbeing"] == ["support", "wellness"]
    # and the wellbeing domain is read as distance travelled, with its own label
    wellness = options.infos.get("trust-wellbeing", "wellness")
    assert wellness.default_measure == Measure.CHANGE
    assert options.domain_labels() == {"support": "Felt supported", "wellness": "Feeling well"}
    chosen = options.choice(
        period_kind="month",
        period_start=MONTHS[0],
        instrument_key="trust-wellbeing",
        domain="wellness",
        measure=Measure.CHANGE,
    )
    assert chosen.domain_label == "Feeling well"


def test_the_default_is_the_built_in_check_ins_first_service_domain(world):
    # Given rows for every domain of the built-in check-in's second version
    for domain in ("hope", "helped_control", "helped_hope", "helped_life"):
        for measure in (Measure.LEVEL, Measure.CHANGE):
            _rows(world, key=BUILT_IN_KEY, domain=domain, measure=measure, months=MONTHS[:1])
    options = reads.league_options(trust_id=world.trust.pk)
    # Then the first statement about the team's help leads, by level, under its label
    assert options.default is not None
    assert (options.default.domain, options.default.measure) == ("helped_hope", Measure.LEVEL)
    assert options.default.domain_label == "Helped with hope"
    assert options.domains[BUILT_IN_KEY][-1] == "hope"


def test_team_series_reads_lower_as_better_where_the_rule_says_so(world):
    # Given a wellbeing domain where a lower score is better, falling after four months
    _loaded_instrument(higher_is_better=False)
    _rows(world, key="trust-wellbeing", domain="wellness", measure=Measure.CHANGE, rising=False)
    _rows(world, key="trust-wellbeing", domain="wellness", measure=Measure.LEVEL, rising=True)
    # When the team's series is read
    (series,) = reads.team_series(team=world.team, instrument_key="trust-wellbeing")
    # Then it is the change measure, under its label, and the fall is an improvement
    assert series.measure == Measure.CHANGE
    assert series.label == "Feeling well"
    assert series.chart.icon == VariationIcon.IMPROVEMENT_LOW
    (position,) = reads.team_positions(team=world.team, instrument_key="trust-wellbeing")
    assert position.measure == Measure.CHANGE and position.label == "Feeling well"


def test_labels_reach_the_page_csv_and_api(world, client_for, django_assert_max_num_queries):
    _rows(world, key=BUILT_IN_KEY, domain="helped_hope", measure=Measure.LEVEL, months=MONTHS[-1:])
    _rows(world, key=BUILT_IN_KEY, domain="hope", measure=Measure.CHANGE, months=MONTHS[-1:])
    client = client_for(world.user("qa_manager"))
    with django_assert_max_num_queries(13):
        page = client.get(reverse("surveys:league"))
    assert "Helped with hope" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("surveys:league_csv")).text)))
    assert {row["domain_label"] for row in rows} == {"Helped with hope"}
    assert client.get(reverse("api:league-list")).json()["domain_label"] == "Helped with hope"
    series = client.get(reverse("api:league-team-detail", args=[world.team.public_id])).json()
    assert [d["label"] for d in series["domains"]] == ["Helped with hope", "Hope"]
