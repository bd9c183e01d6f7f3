"""Who is listed: for every list page and list endpoint and every persona, the exact set of
people shown, not just the status code.

The world is the matrix's, plus two people whose recorded care coordinator (the
`care_coordinator` persona) has since moved on: one in a team of the same trust where the
coordinator's membership has ended, one in another trust where the coordinator used to work.
Every person has a plan, a sent check-in and an open invitation, so a widened list shows them.

The world is made once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.list import MultipleObjectMixin

from common.dates import trust_today
from directory.choices import CareRelationshipKind, TeamRole
from directory.models import CareRelationship, Membership, ServiceUser, User
from surveys.models import Invitation, Response

from .careplans.factories import plan_for
from .conftest import ROLES, World, build_world
from .factories import ServiceUserFactory
from .networks.factories import home_partner, referral_for
from .surveys.factories import built_in, ensure_built_in, sent_response

pytestmark = pytest.mark.django_db  # each test in a savepoint inside the module's world

PEOPLE = (
    "person",
    "teammate_person",
    "other_team_person",
    "foreign_person",
    "left_team_person",
    "left_trust_person",
)


def _richer_world() -> World:
    world = build_world()
    coordinator = world.user("care_coordinator")
    assert coordinator is not None
    yesterday = trust_today() - datetime.timedelta(days=1)
    long_ago = yesterday - datetime.timedelta(days=400)
    # The coordinator used to work in the trust's other team; that membership ended yesterday.
    Membership.objects.create(
        user=coordinator,
        team=world.other_team,
        role=TeamRole.CARE_COORDINATOR,
        started_on=long_ago,
        ended_on=yesterday,
    )
    left_team = ServiceUserFactory.create(
        team=world.other_team, given_name="Leopold", family_name="Leftteamson"
    )
    # And before that in another trust: the person there still names them as coordinator.
    left_trust = ServiceUserFactory.create(
        team=world.other_trust_team, given_name="Lavinia", family_name="Lefttrustwick"
    )
    for moved_from in (left_team, left_trust):
        CareRelationship.objects.create(
            person=moved_from,
            staff=coordinator,
            kind=CareRelationshipKind.CARE_COORDINATOR,
            started_on=long_ago,
        )
    world.extras["left_team_person"] = left_team
    world.extras["left_trust_person"] = left_trust
    # Names no other name or word on a page contains, so a page names a member of staff
    # exactly when it shows them (the factories' random names can repeat or nest).
    for number, user in enumerate(User.objects.filter(trust__isnull=False).order_by("pk")):
        if user.pk != person_login_pk(world):
            User.objects.filter(pk=user.pk).update(
                first_name="Staffer", last_name=f"Qx{chr(ord('a') + number)}zwold"
            )
    administrator = world.user("administrator")
    assert administrator is not None
    # Everyone is referred to a partner in both trusts' networks (with no contact login here).
    partner = home_partner(world.trust, other=world.other_trust)
    for name in PEOPLE:
        someone = _person(world, name)
        plan_for(someone)
        sent_response(someone, on=trust_today() - datetime.timedelta(days=20))
        Invitation.objects.create(
            service_user=someone,
            instrument=built_in(),
            token_hash=uuid.uuid4().hex * 2,
            created_by=someone.care_coordinator or administrator,
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )
        referral_for(someone, partner, by=administrator)
    return world


def person_login_pk(world: World) -> int | None:
    login = world.user("service_user")
    return login.pk if login is not None else None


def _person(world: World, name: str) -> ServiceUser:
    return world.extras[name] if name in world.extras else getattr(world, name)


@pytest.fixture(scope="module")
def rich_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_built_in()
        yield _richer_world()
        transaction.set_rollback(True)


# Whom each persona works with. The care coordinator sees only the person they coordinate
# today in a team they coordinate in today: not the people whose coordinator link outlived the
# coordinator's membership of the team, nor anyone in the trust they used to work for.
WORKS_WITH = {
    "service_user": {"person"},
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    # Peers see the people assigned to them, not their whole team.
    "peer_support_worker": set(),
    "assigned_peer_support_worker": {"person"},
    "other_trust_staff": {"foreign_person", "left_trust_person"},
}
FIRST_TRUST = {"person", "teammate_person", "other_team_person", "left_team_person"}
REFUSED = 403

# url name -> persona -> the people listed (a set), or the status of a refusal. A persona left
# out is refused (anonymous always is: sent to sign in, or 401).
EXPECTED: dict[str, dict[str, set[str] | int]] = {
    "caseload": {
        **{role: WORKS_WITH[role] for role in WORKS_WITH if role != "service_user"},
    },
    "api:service-user-list": {**WORKS_WITH, "administrator": FIRST_TRUST},
    "api:plan-list": dict(WORKS_WITH),
    "api:checkin-list": dict(WORKS_WITH),
    # Lists of teams and staff: nobody's record, so no person is ever listed.
    "directory:teams": {
        role: set()
        for role in ROLES
        if role not in ("anonymous", "service_user", "partner_contact")
    },
    "api:team-list": {
        role: set()
        for role in ROLES
        if role not in ("anonymous", "service_user", "partner_contact")
    },
    "directory:staff": {"hr": set(), "administrator": set()},
    # "Needs your attention": everyone here lacks a plan, so a coordinator's and a team leader's
    # home lists exactly the people they work with; other roles get no such list.
    "home": {
        **{role: set() for role in ROLES if role not in ("anonymous", "service_user")},
        **{
            role: WORKS_WITH[role]
            for role in ("care_coordinator", "team_leader", "other_trust_staff")
        },
    },
    "api:checkin-instrument-list": {role: set() for role in ROLES if role != "anonymous"},
    "api:referral-list": dict(WORKS_WITH),
    # The partner directory: organisations, never a person.
    **{
        name: {
            role: set()
            for role in ROLES
            if role not in ("anonymous", "service_user", "partner_contact")
        }
        for name in ("api:network-list", "api:partner-list", "api:opportunity-list")
    },
    # Peer shifts and workers: staff, never a person; HR, and peers with a workforce record
    # (none in this world: tests/peersupport/test_api.py lists theirs).
    "api:peer-shift-list": {"hr": set()},
    "api:peer-worker-list": {"hr": set()},
}

# Pages about one person: who may open them, for every person in the world.
PER_PERSON = {
    "person": {**WORKS_WITH, "administrator": FIRST_TRUST},
    "api:service-user-detail": {**WORKS_WITH, "administrator": FIRST_TRUST},
    "careplans:plan": dict(WORKS_WITH),
    "surveys:journey": dict(WORKS_WITH),
    "api:checkin-scores-detail": dict(WORKS_WITH),
}
# List URLs kept out, with the reason.
NOT_LISTS = {
    "surveys:invite_caseload": "lists only people due a check-in, and nobody here is until their "
    "check-ins are gone: test_invite_caseload_lists_only_the_coordinators_people",
    "api:api-root": "links to the endpoints, no records",
    "admin:app_list": "the admin's own lists are scoped in tests/directory/test_admin.py",
    "api:league-list": "teams' aggregated figures, never a person: who may see which teams is "
    "tests/surveys/test_league_permissions.py",
}


def _people_shown(world: World, body: str) -> set[str]:
    return {
        name
        for name in PEOPLE
        if str(_person(world, name).public_id) in body
        or _person(world, name).family_name in body
        or _person(world, name).nhs_number in body
    }


def _json_ids(body: str) -> list[str]:
    """Every person id a list answer names, wherever it names them."""
    data = json.loads(body)
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    ids = []
    for row in rows:
        person = row.get("service_user", row)
        ids.append(str(person["id"] if isinstance(person, dict) else person))
    return ids


def _cases():
    for name in sorted(EXPECTED):
        for role in ROLES:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize(("name", "role"), list(_cases()))
def test_list_shows_exactly_the_people_the_persona_works_with(
    rich_world: World, client_for, name, role
):
    expected = EXPECTED[name].get(role, REFUSED)
    response = client_for(rich_world.user(role)).get(reverse(name))
    body = response.content.decode()
    if isinstance(expected, int):
        assert response.status_code in (expected, 302, 401, 404), (role, response.status_code)
        assert response.status_code != 200
        # The header names the signed-in person; a refusal shows nobody else.
        own = {"person"} if role == "service_user" else set()
        assert _people_shown(rich_world, body) - own == set()
        return
    assert response.status_code == 200, (role, response.status_code)
    assert _people_shown(rich_world, body) == expected, f"{role} at {name}"
    if name.startswith("api:") and expected:
        ids = _json_ids(body)
        by_id = {str(_person(rich_world, p).public_id): p for p in PEOPLE}
        # Nobody outside the world, and each person once per row (a plan, a check-in).
        assert {by_id.get(i, i) for i in ids} == expected
        assert len(ids) == len(expected), f"{role} at {name}: {ids}"


def _per_person_cases():
    for name in sorted(PER_PERSON):
        for role in ROLES:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize(("name", "role"), list(_per_person_cases()))
def test_person_pages_open_for_exactly_the_people_the_persona_works_with(
    rich_world: World, client_for, name, role
):
    client = client_for(rich_world.user(role))
    opened = set()
    for person_name in PEOPLE:
        person = _person(rich_world, person_name)
        public_id = plan_for(person).public_id if name.startswith("api:plan") else person.public_id
        response = client.get(reverse(name, kwargs={"public_id": public_id}))
        if response.status_code == 200:
            opened.add(person_name)
    assert opened == PER_PERSON[name].get(role, set()), f"{role} at {name}"


def _list_url_names(patterns=None, prefix: str = "") -> set[str]:
    """URLs that list things: list views, API list actions, and pages with no parameters that
    list people (the caseload and its relatives)."""
    found: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found |= _list_url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            callback = entry.callback
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            actions = getattr(callback, "actions", None) or {}
            is_list = actions.get("get") == "list" or (
                view_class is not None and issubclass(view_class, MultipleObjectMixin)
            )
            if is_list or re.search(r"caseload|list", entry.name):
                found.add(f"{prefix}{entry.name}")
    return {name for name in found if not name.startswith("admin:") or name in NOT_LISTS}


def test_every_list_url_has_an_expected_set():
    missing = sorted(_list_url_names() - EXPECTED.keys() - NOT_LISTS.keys())
    assert not missing, f"list URLs with no expected set of people: {missing}"


def test_invite_caseload_lists_only_the_coordinators_people(rich_world: World, client_for):
    """Everyone is due once their check-ins and invitations are gone; only the coordinator's person counts,
    not those whose coordinator link outlived the coordinator's team or trust."""
    Invitation.objects.all().delete()
    Response.objects.all().delete()
    response = client_for(rich_world.user("care_coordinator")).get(
        reverse("surveys:invite_caseload")
    )
    assert response.status_code == 200
    assert "1 person on your caseload is due a check-in" in response.content.decode()
    assert _people_shown(rich_world, response.content.decode()) == {"person"}


# Pages about one team: for every persona, the teams whose page opens and, on each, the staff it
# names. The directory's team page names the team's members today (not the care coordinator,
# whose membership of the trust's other team ended yesterday); the other team pages name nobody.
TEAMS = ("team", "other_team", "other_trust_team")
MEMBERS = {
    "team": {
        "care_coordinator",
        "coordinator2",
        "team_leader",
        "peer_support_worker",
        "assigned_peer_support_worker",
    },
    "other_team": set(),
    "other_trust_team": {"foreigncc", "other_trust_staff"},
}
# A team's leaders and the trust's administrators; a team leader in another trust, their own.
LEADERS_AND_ADMINISTRATORS = {
    "team_leader": {"team"},
    "administrator": {"team", "other_team"},
    "other_trust_staff": {"other_trust_team"},
}
LEAGUE_TEAMS = {
    "care_coordinator": {"team"},  # not the team they coordinated in until yesterday
    "team_leader": {"team"},
    "qa_manager": {"team", "other_team"},
    "other_trust_staff": {"other_trust_team"},
}
TRUST_STAFF = (
    "care_coordinator",
    "team_leader",
    "peer_support_worker",
    "assigned_peer_support_worker",
    "qa_manager",
    "hr",
    "network_coordinator",
    "administrator",
)
PER_TEAM: dict[str, dict[str, dict[str, set[str]]]] = {
    # A team's name and kind: every member of staff, for the teams of their own trust.
    "api:team-detail": {
        **{role: {"team": set(), "other_team": set()} for role in TRUST_STAFF},
        "other_trust_staff": {"other_trust_team": set()},
    },
    "team": {
        role: {team: MEMBERS[team] for team in teams}
        for role, teams in LEADERS_AND_ADMINISTRATORS.items()
    },
    "surveys:team_settings": {
        role: {team: set() for team in teams} for role, teams in LEADERS_AND_ADMINISTRATORS.items()
    },
    # A team's peer rota: HR, for every team of their trust (no shifts yet, so nobody named).
    "peersupport:team_week": {"hr": {"team": set(), "other_team": set()}},
    **{
        name: {role: {team: set() for team in teams} for role, teams in LEAGUE_TEAMS.items()}
        for name in ("surveys:league_team", "surveys:league_team_csv", "api:league-team-detail")
    },
}


def _staff_names(world: World) -> dict[str, str]:
    """The name shown for every member of staff, by persona (by username for those with none)."""
    staff = {
        role: user
        for role, user in world.users.items()
        if user is not None and role not in ("service_user", "partner_contact")
    }
    for user in User.objects.filter(username__in=("coordinator2", "foreigncc", "foreignadmin")):
        staff[user.username] = user
    # The world's objects were made before the renaming: read each name afresh.
    names = dict(
        User.objects.filter(pk__in=[u.pk for u in staff.values()]).values_list("pk", "last_name")
    )
    return {key: f"Staffer {names[user.pk]}" for key, user in staff.items()}


def _main(body: str) -> str:
    """The page's own content: not the header, which names whoever is signed in."""
    start = body.find("<main")
    return body[start : body.find("</main>", start)] if start >= 0 else body


def _per_team_cases():
    for name in sorted(PER_TEAM):
        for role in ROLES:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize(("name", "role"), list(_per_team_cases()))
def test_team_pages_open_for_exactly_the_teams_and_name_exactly_their_members(
    rich_world: World, client_for, name, role
):
    client = client_for(rich_world.user(role))
    staff = _staff_names(rich_world)
    seen: dict[str, set[str]] = {}
    for team_name in TEAMS:
        team = getattr(rich_world, team_name)
        response = client.get(reverse(name, kwargs={"public_id": team.public_id}))
        content = _main(response.content.decode())
        assert _people_shown(rich_world, content) == set(), f"{role} at {name} for {team_name}"
        if response.status_code != 200:
            assert team.name not in content, f"{role} at {name} saw {team_name}'s name"
            continue
        named_teams = {t for t in TEAMS if getattr(rich_world, t).name in content}
        assert named_teams <= {team_name}, f"{role} at {name} for {team_name}"
        seen[team_name] = {key for key, full_name in staff.items() if full_name in content}
    assert seen == PER_TEAM[name].get(role, {}), f"{role} at {name}"


def _url_parameters(patterns=None, prefix: str = "", outer=frozenset()) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        parameters = outer | set(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found |= _url_parameters(entry.url_patterns, namespace, frozenset(parameters))
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{prefix}{entry.name}"] = parameters
    return found


def test_every_team_url_has_an_expected_set():
    """A new page about one team (a URL named for teams that takes only an id) needs a row."""
    missing = sorted(
        name
        for name, parameters in _url_parameters().items()
        if "team" in name
        and parameters <= {"public_id", "format"}
        and "public_id" in parameters
        and name not in PER_TEAM
        and not name.startswith("admin:")
    )
    assert not missing, f"team URLs with no expected set of teams: {missing}"
