"""Loading a checked instrument file as a stored, versioned instrument."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..instrument_files import CheckedInstrument
from ..models import Instrument, Item, ScoringRule


def instrument_load_refusal(*, checked: CheckedInstrument) -> str | None:
    """Why loading `checked` would be refused as things stand, or None. A read: what
    `load_instrument --check` adds to the file's own checks, so a file it passes loads."""
    stored = Instrument.objects.filter(key=checked.key, version=checked.version).first()
    if stored is not None and stored.has_responses():
        return (
            f"Version {checked.version} of '{checked.key}' already has responses, so it cannot "
            f"change. Give the file version {checked.version + 1} (or higher) and load it again."
        )
    return None


@transaction.atomic
def instrument_load(*, checked: CheckedInstrument) -> tuple[Instrument, bool]:
    """Store a checked instrument file as (key, version). Returns the instrument and whether
    it is new. A version that already has responses is never changed: load a new version."""
    instrument = (
        Instrument.objects.select_for_update()
        .filter(key=checked.key, version=checked.version)
        .first()
    )
    created = instrument is None
    if (refusal := instrument_load_refusal(checked=checked)) is not None:
        raise ValidationError(refusal)
    if instrument is None:
        instrument = Instrument(key=checked.key, version=checked.version)
    instrument.title = checked.title
    instrument.introduction = checked.introduction
    instrument.licence_note = checked.licence_note
    instrument.full_clean()
    instrument.save()
    instrument.items.all().delete()
    instrument.scoring_rules.all().delete()
    Item.objects.bulk_create(
        Item(
            instrument=instrument,
            number=item.number,
            text=item.text,
            hint=item.hint,
            domain=item.domain,
            scale=item.scale,
            reverse_scored=item.reverse,
        )
        for item in sorted(checked.items, key=lambda i: i.number)
    )
    ScoringRule.objects.bulk_create(
        ScoringRule(
            instrument=instrument,
            domain=rule.domain,
            label=rule.label,
            kind=rule.kind,
            higher_is_better=rule.higher_is_better,
            method=rule.method,
            min_answered=rule.min_answered,
            lookup=rule.lookup,
        )
        for rule in checked.rules
    )
    return instrument, created
