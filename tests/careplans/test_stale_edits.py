"""Every write that quotes a revision refuses an old one: the service raises StaleEdit and
changes nothing; the API answers 409; the page shows the conflict and keeps what was typed.

One row per service. A service that takes `revision` without a row fails
`test_every_service_that_takes_a_revision_has_a_row`.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.choices import AgreementMethod, PlanStatus
from careplans.models import CrisisContact, Goal, GoalStep, RecoveryPlan, Supporter
from common.concurrency import StaleEdit
from tests.audit import audit_as
from tests.conftest import World
from tests.test_authorisation_matrix import _snapshot

from .factories import contact_of, goal_of, plan_for, step_of, supporter_of

TYPED = "Words typed on the stale page"
SAVED = "Saved meanwhile by a colleague"


@dataclass
class Row:
    """A write that quotes a revision, and how to reach it from each interface."""

    # The object, read at revision 1, then saved meanwhile by someone else (revision 2).
    stale: Callable[[World], Model]
    call: Callable[[World, Any], object]  # the service, quoting revision 1
    page: str  # the page's URL name
    page_kwargs: Callable[[World, Any], dict[str, Any]]
    form: dict[str, Any]  # what the person typed (revision 1 is added)
    page_keeps_typing: bool = True  # False: the page redirects with a message instead
    api: str = ""  # a PUT endpoint, where one exists
    api_kwargs: Callable[[World, Any], dict[str, Any]] | None = None
    api_body: dict[str, Any] | None = None


def _saved_meanwhile(model: type[Model], obj: Model, **changes: Any) -> Model:
    model._default_manager.filter(pk=obj.pk).update(**changes)
    return obj


def _stale_plan_part(w: World) -> RecoveryPlan:
    plan = plan_for(w.person)
    return _saved_meanwhile(RecoveryPlan, plan, what_matters=SAVED, about_revision=2)  # type: ignore[return-value]


def _stale_plan(w: World) -> RecoveryPlan:
    plan = plan_for(w.person)
    return _saved_meanwhile(RecoveryPlan, plan, what_matters=SAVED, revision=plan.revision + 1)  # type: ignore[return-value]


def _stale_goal(w: World) -> Goal:
    return _saved_meanwhile(Goal, goal_of(w.person), description=SAVED, revision=2)  # type: ignore[return-value]


def _stale_step(w: World) -> GoalStep:
    return _saved_meanwhile(GoalStep, step_of(w.person), what=SAVED, revision=2)  # type: ignore[return-value]


def _stale_contact(w: World) -> CrisisContact:
    return _saved_meanwhile(CrisisContact, contact_of(w.person), name=SAVED, revision=2)  # type: ignore[return-value]


def _stale_supporter(w: World) -> Supporter:
    return _saved_meanwhile(Supporter, supporter_of(w.person), name=SAVED, revision=2)  # type: ignore[return-value]


def _actor(w: World):
    return w.user("care_coordinator")


def _plan_url(w: World, obj: Any) -> dict[str, Any]:
    return {"public_id": w.person.public_id}


def _item_url(w: World, obj: Any) -> dict[str, Any]:
    return {"public_id": w.person.public_id, "item_id": obj.public_id}


ROWS: dict[str, Row] = {
    "plan_part_update": Row(
        stale=_stale_plan_part,
        call=lambda w, plan: services.plan_part_update(
            actor=_actor(w),
            plan=plan,
            part="about",
            revision=1,
            values={"what_matters": TYPED, "strengths": "", "hopes": ""},
            audit=audit_as(_actor(w)),
        ),
        page="careplans:part_edit",
        page_kwargs=lambda w, plan: {"public_id": w.person.public_id, "part": "about-me"},
        form={"what_matters": TYPED, "strengths": "", "hopes": ""},
        api="api:plan-part",
        api_kwargs=lambda w, plan: {"public_id": plan.public_id, "part": "about"},
        api_body={"revision": 1, "fields": {"what_matters": TYPED}},
    ),
    "goal_update": Row(
        stale=_stale_goal,
        call=lambda w, goal: services.goal_update(
            actor=_actor(w),
            goal=goal,
            revision=1,
            values={"description": TYPED},
            audit=audit_as(_actor(w)),
        ),
        page="careplans:goal_edit",
        page_kwargs=_item_url,
        form={"description": TYPED, "life_area": "work", "status": "in_progress"},
        api="api:plan-goal",
        api_kwargs=lambda w, goal: {
            "public_id": goal.plan.public_id,
            "goal_id": str(goal.public_id),
        },
        api_body={"revision": 1, "life_area": "work", "description": TYPED},
    ),
    "step_update": Row(
        stale=_stale_step,
        call=lambda w, step: services.step_update(
            actor=_actor(w),
            step=step,
            revision=1,
            values={"what": TYPED},
            audit=audit_as(_actor(w)),
        ),
        page="careplans:step_edit",
        page_kwargs=_item_url,
        form={"what": TYPED, "who": "me"},
    ),
    "crisis_contact_update": Row(
        stale=_stale_contact,
        call=lambda w, contact: services.crisis_contact_update(
            actor=_actor(w),
            contact=contact,
            revision=1,
            values={"name": TYPED},
            audit=audit_as(_actor(w)),
        ),
        page="careplans:contact_edit",
        page_kwargs=_item_url,
        form={"name": TYPED, "relationship": "Sister", "phone": "01632 960 001"},
    ),
    "supporter_update": Row(
        stale=_stale_supporter,
        call=lambda w, supporter: services.supporter_update(
            actor=_actor(w),
            supporter=supporter,
            revision=1,
            values={"name": TYPED},
            audit=audit_as(_actor(w)),
        ),
        page="careplans:supporter_edit",
        page_kwargs=_item_url,
        form={"name": TYPED, "kind": "family", "relationship": "Brother"},
    ),
    "crisis_contact_remove": Row(
        stale=_stale_contact,
        call=lambda w, contact: services.crisis_contact_remove(
            actor=_actor(w), contact=contact, revision=1, audit=audit_as(_actor(w))
        ),
        page="careplans:contact_remove",
        page_kwargs=_item_url,
        form={},
        page_keeps_typing=False,
    ),
    "supporter_remove": Row(
        stale=_stale_supporter,
        call=lambda w, supporter: services.supporter_remove(
            actor=_actor(w), supporter=supporter, revision=1, audit=audit_as(_actor(w))
        ),
        page="careplans:supporter_remove",
        page_kwargs=_item_url,
        form={},
        page_keeps_typing=False,
    ),
    "plan_agree": Row(
        stale=_stale_plan,
        call=lambda w, plan: services.plan_agree(
            actor=_actor(w),
            plan=plan,
            revision=1,
            method=AgreementMethod.IN_PERSON,
            audit=audit_as(_actor(w)),
        ),
        page="careplans:record_agreement",
        page_kwargs=_plan_url,
        form={
            "method": AgreementMethod.IN_PERSON,
            "agreed_on_0": "1",
            "agreed_on_1": "1",
            "agreed_on_2": "2026",
            "note": TYPED,
        },
    ),
    "plan_share": Row(
        stale=_stale_plan,
        call=lambda w, plan: services.plan_share(
            actor=_actor(w), plan=plan, revision=1, audit=audit_as(_actor(w))
        ),
        page="careplans:share",
        page_kwargs=_plan_url,
        form={},
        page_keeps_typing=False,
    ),
}

SERVICE_MODULES = ("careplans.services", "surveys.services", "directory.services")


def _services_taking_a_revision() -> set[str]:
    found = set()
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or not function.__module__.startswith(module_name):
                continue
            if "revision" in inspect.signature(function).parameters:
                found.add(name)
    return found


def test_every_service_that_takes_a_revision_has_a_row():
    taking = _services_taking_a_revision()
    assert taking, "no service takes a revision: the discovery is broken"
    missing = sorted(taking - ROWS.keys())
    assert not missing, f"services taking a revision with no stale-edit row: {missing}"
    assert not ROWS.keys() - taking, "rows for services that no longer take a revision"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_service_refuses_an_old_revision_and_changes_nothing(world: World, name):
    row = ROWS[name]
    obj = row.stale(world)
    before = _snapshot()

    with pytest.raises(StaleEdit) as refused:
        row.call(world, obj)

    assert _snapshot() == before, "a refused edit changed the database"
    assert refused.value.current.pk == obj.pk


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_page_shows_the_conflict_and_keeps_what_was_typed(world: World, client_for, name):
    row = ROWS[name]
    obj = row.stale(world)
    client = client_for(world.user("care_coordinator"))  # signing in records the time
    before = _snapshot()

    response = client.post(
        reverse(row.page, kwargs=row.page_kwargs(world, obj)), {**row.form, "revision": "1"}
    )

    assert _snapshot() == before
    if row.page_keeps_typing:
        assert response.status_code == 200
        body = response.content.decode()
        assert TYPED in body, "the page lost what the person typed"
        assert 'name="revision" value="1"' not in body, "the form still quotes the old revision"
        if name != "plan_agree":  # agreement has no text of its own to compare
            assert SAVED in body, "the page does not show what is saved now"
    else:
        assert response.status_code == 302
        shown = client.get(response.url).content.decode()
        assert "changed by someone else" in shown
        assert SAVED in shown  # back on the edit page, showing the saved item


@pytest.mark.parametrize("name", sorted(n for n in ROWS if ROWS[n].api))
def test_the_api_answers_409_with_the_saved_values(world: World, client_for, name):
    row = ROWS[name]
    obj = row.stale(world)
    assert row.api_kwargs is not None
    client = client_for(world.user("care_coordinator"))  # signing in records the time
    before = _snapshot()

    response = client.put(
        reverse(row.api, kwargs=row.api_kwargs(world, obj)),
        json.dumps(row.api_body),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert SAVED in response.content.decode()
    assert _snapshot() == before


def test_plans_start_as_drafts_at_revision_one(world: World):
    """The rows above quote revision 1 as the one first read."""
    plan = plan_for(world.person)
    assert plan.status == PlanStatus.DRAFT
    assert plan.about_revision == 1
    assert plan.revision == 1
    assert timezone.localdate() > datetime.date(2026, 1, 1)
