"""Authorisation rows for the directory's pages and API, and the site-wide pages."""

from tests.access import ASSIGNED_PEER_ONLY, Case, api, expect, page

NO_RECORDS = {"qa_manager": 403, "hr": 403, "network_coordinator": 403}

ROWS = {
    "directory:service_user_add": [
        Case(
            page(
                403, care_coordinator=200, team_leader=200, administrator=200, other_trust_staff=200
            )
        )
    ],
    "directory:teams": [Case(page(200, service_user=403))],
    "directory:staff": [Case(page(403, hr=200, administrator=200))],
    "api:team-list": [Case(api(200, service_user=403))],
    "api:team-detail": [
        Case(
            api(200, service_user=403, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
        )
    ],
    "api:service-user-list": [Case(api(200, **NO_RECORDS))],
    "api:service-user-detail": [
        Case(
            api(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NO_RECORDS),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="summary",
            label="a person on the coordinator's caseload",
        ),
        Case(
            api(404, other_trust_staff=200, **NO_RECORDS),
            kwargs=lambda w: {"public_id": w.foreign_person.public_id},
            audits="summary",
            label="a person in another trust",
        ),
    ],
    "admin:directory_trust_changelist": [Case(expect(302, administrator=200))],
    "admin:directory_trust_add": [Case(expect(302, administrator=403))],
    "admin:directory_team_changelist": [Case(expect(302, administrator=200))],
    "admin:directory_team_add": [Case(expect(302, administrator=200))],
    "admin:directory_user_changelist": [Case(expect(302, administrator=200))],
    "admin:directory_user_add": [Case(expect(302, administrator=200))],
    "admin:directory_serviceuser_changelist": [Case(expect(302, administrator=200))],
    # People are added on the add-person page, which records their first team episode.
    "admin:directory_serviceuser_add": [Case(expect(302, administrator=403))],
    "admin:directory_accessevent_changelist": [Case(expect(302, administrator=200))],
    "admin:directory_accessevent_add": [Case(expect(302, administrator=403))],
}

NOT_AUDITED = {
    "api:team-detail": "a team's name and kind: no person's record",
}
