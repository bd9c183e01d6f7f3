"""Optimistic concurrency: of two people saving the same thing from the same revision, exactly
one succeeds; the other is told what is saved now and keeps what they typed.

An edit quotes the revision it started from, and the write is a conditional UPDATE on that
revision. `StaleEdit` carries the object as saved now, so pages can show both texts side by side
and the API can answer 409 with the saved values.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class StaleEdit(Exception):
    """Someone else saved this first. `current` is the object as it is saved now."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("This was changed by someone else while you were editing it.")
        self.current = current


def compare_and_set(
    obj: models.Model, *, seen: int, values: dict[str, Any], counter: str = "revision"
) -> bool:
    """Write `values` to `obj` if its `counter` is still `seen`; raise `StaleEdit` if not.

    Returns whether anything changed: saving what is already saved is not a change, and is not
    refused even if someone else saved the same words meanwhile. Call inside a transaction.
    """
    model = type(obj)
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=[counter], validate_unique=False)
    if all(getattr(current, name) == getattr(obj, name) for name in values):
        obj.refresh_from_db()
        return False
    updated = model._default_manager.filter(pk=obj.pk, **{counter: seen}).update(
        **values, **{counter: F(counter) + 1}
    )
    if not updated:
        raise StaleEdit(current)
    obj.refresh_from_db()
    return True


class IdempotencyConflict(Exception):
    """A request repeated a key that was already used for a different request: the stored one
    stands, and `conflicts` names what differs (the API answers 409)."""

    def __init__(self, message: str, *, conflicts: list[str]) -> None:
        super().__init__(message)
        self.conflicts = conflicts
