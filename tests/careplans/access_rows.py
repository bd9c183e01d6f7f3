"""Authorisation rows for recovery plans: every page and endpoint, every role, three people.

`person` is on the care coordinator's caseload (and is the service user); `teammate_person`
is in the same team on a colleague's caseload; `foreign_person` is in another trust, in the
team that `other_trust_staff` leads. QA, HR and network coordinators never read plans (403);
nor do administrators, whose job is the directory, not clinical records.
"""

from careplans.services import RESOURCE
from tests.access import ASSIGNED_PEER_ONLY, NO_PEER, Case, api, expect, page

from .factories import (
    comment_of,
    contact_of,
    goal_of,
    plan_for,
    shared_for_agreement,
    step_of,
    supporter_of,
    version_of,
)

NO_PLANS = {"qa_manager": 403, "hr": 403, "network_coordinator": 403, "administrator": 403}

# Reading: the person, their coordinator, the team's leaders and peer support workers.
READ_PERSON = page(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NO_PLANS)
READ_TEAMMATE = page(
    200, service_user=404, care_coordinator=404, other_trust_staff=404, **NO_PEER, **NO_PLANS
)
READ_FOREIGN = page(404, other_trust_staff=200, **NO_PLANS)
# Editing: the coordinator and the team's leaders; the person and peers may never (403).
EDIT_ROLES_NEVER = {"service_user": 403, "peer_support_worker": 403, **NO_PLANS}
EDIT_PERSON = page(200, other_trust_staff=404, **EDIT_ROLES_NEVER)
EDIT_TEAMMATE = page(200, care_coordinator=404, other_trust_staff=404, **EDIT_ROLES_NEVER)
EDIT_FOREIGN = page(404, other_trust_staff=200, **EDIT_ROLES_NEVER)


def read_cases(extra=None, setup=plan_for, audits=RESOURCE):
    """The three people for a page that reads a plan."""
    extra = extra or (lambda w, p: {})
    out = []
    for attr, expected in (
        ("person", READ_PERSON),
        ("teammate_person", READ_TEAMMATE),
        ("foreign_person", READ_FOREIGN),
    ):

        def kwargs(w, attr=attr):
            person = getattr(w, attr)
            setup(person)
            return {"public_id": person.public_id, **extra(w, person)}

        out.append(Case(expected, kwargs=kwargs, label=attr, audits=audits))
    return out


def edit_cases(extra=None, setup=plan_for, expect_person=EDIT_PERSON):
    extra = extra or (lambda w, p: {})
    out = []
    for attr, expected in (
        ("person", expect_person),
        ("teammate_person", EDIT_TEAMMATE),
        ("foreign_person", EDIT_FOREIGN),
    ):

        def kwargs(w, attr=attr):
            person = getattr(w, attr)
            setup(person)
            return {"public_id": person.public_id, **extra(w, person)}

        out.append(Case(expected, kwargs=kwargs, label=attr, audits=RESOURCE))
    return out


def remove_cases(item_of):
    """POSTs that remove one item (quoting its revision) from the person's and a foreign plan."""
    cases = []
    for attr, expected in (
        ("person", page(302, other_trust_staff=404, **EDIT_ROLES_NEVER)),
        ("foreign_person", page(404, other_trust_staff=302, **EDIT_ROLES_NEVER)),
    ):

        def kwargs(w, attr=attr):
            person = getattr(w, attr)
            return {"public_id": person.public_id, "item_id": item_of(person).public_id}

        cases.append(
            Case(
                expected,
                kwargs=kwargs,
                method="post",
                data=lambda w: {"revision": "1"},
                writes=True,
                label=f"{attr} (POST)",
                audits=RESOURCE,
            )
        )
    return cases


def _no_setup(person):
    return None


AGREE_NEVER = {
    "care_coordinator": 403,
    "team_leader": 403,
    "peer_support_worker": 403,
    "other_trust_staff": 403,
    **NO_PLANS,
}
COMMENT_NEVER = {"peer_support_worker": 403, **NO_PLANS}

ROWS = {
    "careplans:own_plan": [Case(page(403, service_user=302))],
    "careplans:plan": [
        *read_cases(),
        Case(
            page(404, **NO_PLANS),
            kwargs=lambda w: {"public_id": w.other_team_person.public_id},
            label="another team in the trust, no plan",
        ),
    ],
    "careplans:plan_print": read_cases(),
    "careplans:crisis_card": read_cases(),
    "careplans:share": [
        *edit_cases(),
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.person).service_user.public_id},
            method="post",
            data=lambda w: {"revision": str(plan_for(w.person).revision)},
            writes=True,
            label="share (POST)",
            audits="recovery plan sharing",
        ),
    ],
    "careplans:comment_answer": [
        *edit_cases(lambda w, p: {"item_id": comment_of(p).public_id}),
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": comment_of(w.person).public_id,
            },
            method="post",
            data=lambda w: {"reply": "Answered by the matrix"},
            writes=True,
            label="answer (POST)",
            audits="recovery plan comment",
        ),
        Case(
            page(404, **EDIT_ROLES_NEVER, other_trust_staff=404),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": comment_of(w.teammate_person).public_id,
            },
            label="a comment on another person's plan",
        ),
    ],
    "careplans:version": read_cases(
        lambda w, p: {"number": version_of(p).number}, audits="recovery plan version"
    ),
    "careplans:compare": read_cases(setup=version_of, audits="recovery plan version"),
    "careplans:plan_start": [
        *edit_cases(setup=_no_setup),
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {"public_id": w.person.public_id},
            method="post",
            writes=True,
            label="start (POST)",
            audits=RESOURCE,
        ),
    ],
    "careplans:part_edit": [
        *edit_cases(lambda w, p: {"part": "about-me"}),
        Case(
            page(404, **EDIT_ROLES_NEVER, other_trust_staff=404),
            kwargs=lambda w: {
                "public_id": plan_for(w.person).service_user.public_id,
                "part": "nope",
            },
            label="unknown part",
        ),
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": plan_for(w.person).service_user.public_id,
                "part": "about-me",
            },
            method="post",
            data=lambda w: {"what_matters": "Saved by the matrix", "revision": "1"},
            writes=True,
            label="save (POST)",
            audits=RESOURCE,
        ),
    ],
    "careplans:goal_add": edit_cases(),
    "careplans:goal_edit": edit_cases(lambda w, p: {"item_id": goal_of(p).public_id}),
    "careplans:goal_move": [
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": goal_of(w.person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "up"},
            writes=True,
            label="person (POST)",
        ),
        Case(
            page(302, care_coordinator=404, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.teammate_person.public_id,
                "item_id": goal_of(w.teammate_person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "down"},
            writes=True,
            label="teammate_person (POST)",
        ),
        Case(
            page(404, other_trust_staff=302, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.foreign_person.public_id,
                "item_id": goal_of(w.foreign_person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "up"},
            writes=True,
            label="foreign_person (POST)",
        ),
        Case(
            page(404, **EDIT_ROLES_NEVER, other_trust_staff=404),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": goal_of(w.teammate_person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "up"},
            label="a goal from another person's plan",
        ),
    ],
    "careplans:plan_close": [
        *edit_cases(),
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.person).service_user.public_id},
            method="post",
            writes=True,
            label="close (POST)",
            audits=RESOURCE,
        ),
    ],
    "careplans:step_move": [
        Case(
            page(302, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": step_of(w.person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "up"},
            writes=True,
            label="person (POST)",
        ),
        Case(
            page(404, other_trust_staff=302, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {
                "public_id": w.foreign_person.public_id,
                "item_id": step_of(w.foreign_person).public_id,
            },
            method="post",
            data=lambda w: {"direction": "up"},
            writes=True,
            label="foreign_person (POST)",
        ),
    ],
    "careplans:step_add": edit_cases(lambda w, p: {"item_id": goal_of(p).public_id}),
    "careplans:step_edit": [
        *edit_cases(lambda w, p: {"item_id": step_of(p).public_id}),
        Case(
            page(404, **EDIT_ROLES_NEVER, other_trust_staff=404),
            kwargs=lambda w: {
                "public_id": w.person.public_id,
                "item_id": step_of(w.foreign_person).public_id,
            },
            label="a step of a foreign plan under the person's address",
        ),
    ],
    "careplans:contact_add": edit_cases(),
    "careplans:contact_edit": edit_cases(lambda w, p: {"item_id": contact_of(p).public_id}),
    "careplans:contact_remove": remove_cases(contact_of),
    "careplans:supporter_remove": remove_cases(supporter_of),
    "careplans:supporter_add": edit_cases(),
    "careplans:supporter_edit": edit_cases(lambda w, p: {"item_id": supporter_of(p).public_id}),
    "careplans:record_agreement": edit_cases(),
    "careplans:review": edit_cases(),
    "careplans:comment": [
        Case(
            page(200, other_trust_staff=404, **COMMENT_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.person).service_user.public_id},
            label="person",
            audits=RESOURCE,
        ),
        Case(
            page(
                200,
                service_user=404,
                care_coordinator=404,
                other_trust_staff=404,
                **COMMENT_NEVER,
            ),
            kwargs=lambda w: {"public_id": plan_for(w.teammate_person).service_user.public_id},
            label="teammate_person",
            audits=RESOURCE,
        ),
        Case(
            page(404, other_trust_staff=200, **COMMENT_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.foreign_person).service_user.public_id},
            label="foreign_person",
            audits=RESOURCE,
        ),
    ],
    "careplans:agree": [
        Case(
            page(200, **AGREE_NEVER),
            kwargs=lambda w: {
                "public_id": shared_for_agreement(plan_for(w.person)).service_user.public_id
            },
            label="person",
            audits=RESOURCE,
        ),
        Case(
            page(404, **AGREE_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.teammate_person).service_user.public_id},
            label="teammate_person",
            audits=RESOURCE,
        ),
        Case(
            page(404, **AGREE_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.foreign_person).service_user.public_id},
            label="foreign_person",
            audits=RESOURCE,
        ),
        Case(
            page(302, **AGREE_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.person).service_user.public_id},
            method="post",
            data=lambda w: {"revision": str(shared_for_agreement(plan_for(w.person)).revision)},
            writes=True,
            label="agree (POST)",
            audits=RESOURCE,
        ),
    ],
    # The API. PUT endpoints answer 405 to the matrix's GET; their permissions for every role
    # are tested with PUT in tests/careplans/test_api.py.
    "api:plan-list": [Case(api(200, **NO_PLANS))],
    "api:plan-detail": [
        Case(
            api(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NO_PLANS),
            kwargs=lambda w: {"public_id": plan_for(w.person).public_id},
            label="person",
            audits=RESOURCE,
        ),
        Case(
            api(
                200,
                service_user=404,
                care_coordinator=404,
                other_trust_staff=404,
                **NO_PEER,
                **NO_PLANS,
            ),
            kwargs=lambda w: {"public_id": plan_for(w.teammate_person).public_id},
            label="teammate_person",
            audits=RESOURCE,
        ),
        Case(
            api(404, other_trust_staff=200, **NO_PLANS),
            kwargs=lambda w: {"public_id": plan_for(w.foreign_person).public_id},
            label="foreign_person",
            audits=RESOURCE,
        ),
    ],
    "api:plan-part": [
        Case(
            api(405, partner_contact=405),  # the method is refused before anything else
            kwargs=lambda w: {"public_id": plan_for(w.person).public_id, "part": "about"},
            label="GET is not allowed",
        )
    ],
    "api:plan-goal": [
        Case(
            api(405, partner_contact=405),  # the method is refused before anything else
            kwargs=lambda w: {
                "public_id": plan_for(w.person).public_id,
                "goal_id": str(goal_of(w.person).public_id),
            },
            label="GET is not allowed",
        )
    ],
    "api:plan-goals": [
        Case(
            api(201, other_trust_staff=404, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.person).public_id},
            method="post",
            data=lambda w: {"life_area": "work", "description": "Added through the API"},
            writes=True,
            label="person (POST)",
            audits=RESOURCE,
        ),
        Case(
            api(404, other_trust_staff=201, **EDIT_ROLES_NEVER),
            kwargs=lambda w: {"public_id": plan_for(w.foreign_person).public_id},
            method="post",
            data=lambda w: {"life_area": "work", "description": "Added through the API"},
            writes=True,
            label="foreign_person (POST)",
            audits=RESOURCE,
        ),
    ],
    "admin:careplans_trustplansettings_changelist": [Case(expect(302, administrator=200))],
    "admin:careplans_trustplansettings_add": [Case(expect(302, administrator=200))],
}

NOT_AUDITED = {
    "careplans:goal_move": "the matrix moves the only goal, which changes and shows nothing; "
    "a move that changes the plan is audited: test_services.py",
    "careplans:step_move": "the matrix moves the only step, which changes and shows nothing",
    "api:plan-part": "PUT only (the matrix's GET answers 405); its audit rows: test_api.py",
    "api:plan-goal": "PUT only (the matrix's GET answers 405); its audit rows: test_api.py",
}
