"""Factories and helpers for check-in tests."""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections.abc import Mapping
from decimal import Decimal

import factory
from django.db import transaction

from common.dates import month_of
from directory.models import ServiceUser
from surveys.choices import Channel, Domain, ResponseStatus, ScoringMethod
from surveys.models import Answer, Instrument, Item, Response, ScoringRule
from surveys.selectors import BUILT_IN_KEY
from surveys.services import scores_write

AGREE5 = [{"value": v, "label": f"Point {v}"} for v in range(1, 6)]


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    key = factory.Sequence(lambda n: f"fictional-{n}")
    version = 1
    title = factory.Sequence(lambda n: f"Fictional instrument {n}")
    introduction = "Made up for tests."


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Fictional statement {n}.")
    domain = Domain.HOPE
    scale = AGREE5


class ScoringRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringRule

    instrument = factory.SubFactory(InstrumentFactory)
    domain = Domain.HOPE
    method = ScoringMethod.MEAN
    min_answered = 1


def built_in() -> Instrument:
    return Instrument.objects.get(key=BUILT_IN_KEY, version=1)


def built_in_v2() -> Instrument:
    """The built-in check-in with its second part (how much the team has helped)."""
    return Instrument.objects.get(key=BUILT_IN_KEY, version=2)


def ensure_built_in() -> Instrument:
    """Put back the migrations' check-in versions after a transactional test flushed the
    tables."""
    from django.apps import apps

    importlib.import_module("surveys.migrations.0002_built_in_checkin").add_check_in(apps, None)
    importlib.import_module("surveys.migrations.0007_checkin_team_part").add_version_2(apps, None)
    return built_in()


def sent_response(
    person: ServiceUser,
    *,
    on: datetime.date,
    hope: str | None = "3",
    control: str | None = "3",
    opportunity: str | None = "3",
    channel: str = Channel.SIGNED_IN,
    entered_by=None,
    scored: bool = True,
) -> Response:
    """A sent response with given scores (answers not stored), its score rows written as
    sending writes them: for journeys, status and league tables. `scored=False` leaves the
    score rows to the test (rollup tests that need exact rows of their own)."""
    response = Response.objects.create(
        instrument=built_in(),
        service_user=person,
        team=person.team,
        channel=channel,
        entered_by=entered_by,
        status=ResponseStatus.SUBMITTED,
        submitted_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        completed_on=on,
        period=month_of(on),
        idempotency_key=uuid.uuid4(),
    )
    if not scored:
        return response
    given = {"hope": hope, "control": control, "opportunity": opportunity}
    with transaction.atomic():  # as sending does; browser tests run outside a transaction
        scores_write(
            response=response,
            scores={d: Decimal(v) if v is not None else None for d, v in given.items()},
        )
    return response


def scores_of(response: Response) -> dict[str, Decimal]:
    """A response's sent scores by domain."""
    return dict(response.scores.filter(sent=True).values_list("domain", "score"))


def draft_with_answers(person: ServiceUser, answers: Mapping[int, int | None]) -> Response:
    """A signed-in draft of the built-in check-in with answers by item number."""
    instrument = built_in()
    response = Response.objects.create(
        instrument=instrument, service_user=person, team=person.team, channel=Channel.SIGNED_IN
    )
    items = {item.number: item for item in instrument.items.all()}
    Answer.objects.bulk_create(
        Answer(response=response, item=items[number], value=value)
        for number, value in answers.items()
    )
    return response
