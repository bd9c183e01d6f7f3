"""Authorisation rows for the pages and endpoints that belong to the whole site."""

from tests.access import ASSIGNED_PEER_ONLY, NO_PEER, Case, api, expect, page

CLINICAL_ONLY = {
    "service_user": 403,
    "qa_manager": 403,
    "hr": 403,
    "network_coordinator": 403,
    "administrator": 403,
}

NO_RECORDS = {"qa_manager": 403, "hr": 403, "network_coordinator": 403}

ROWS = {
    "person": [
        Case(
            page(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NO_RECORDS),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="summary",
            label="a person on the coordinator's caseload",
        ),
        Case(
            page(
                200,
                service_user=404,
                care_coordinator=404,
                other_trust_staff=404,
                **NO_PEER,
                **NO_RECORDS,
            ),
            kwargs=lambda w: {"public_id": w.teammate_person.public_id},
            audits="summary",
            label="a person on a colleague's caseload",
        ),
        Case(
            page(404, other_trust_staff=200, **NO_RECORDS),
            kwargs=lambda w: {"public_id": w.foreign_person.public_id},
            audits="summary",
            label="a person in another trust",
        ),
    ],
    "home": [Case(page(200, service_user=302, partner_contact=200))],  # says what they may do
    "health": [Case(expect(200))],
    "accessibility": [Case(expect(200))],
    "privacy": [Case(expect(200))],
    "login": [Case(expect(302, anonymous=200))],
    "logout": [Case(expect(302), method="post")],
    # "Stay signed in": renews the signed-in session; 401 once it has ended.
    "session_renew": [Case(expect(200, anonymous=401), method="post")],
    "password_reset": [Case(expect(200))],
    "password_reset_done": [Case(expect(200))],
    "password_reset_confirm": [
        Case(expect(200), kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"})
    ],
    "password_reset_complete": [Case(expect(200))],
    # Every persona here has finished signing in (second factor included), so the code pages
    # send them on; tests/site/test_two_factor.py covers the pages halfway through a sign-in.
    "two_factor_setup": [Case(expect(302))],
    "two_factor_verify": [Case(expect(302))],
    # Single sign-on is not configured in the matrix: its addresses do not exist (tests with a
    # provider: tests/site/test_single_sign_on.py).
    "oidc_authentication_init": [Case(expect(404))],
    "oidc_authentication_callback": [Case(expect(404))],
    "caseload": [Case(page(200, **CLINICAL_ONLY))],
    # The team page (its figures extended with plans and check-ins for its leaders).
    "team": [
        Case(
            page(403, team_leader=200, administrator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
            label="the team",
        ),
        Case(
            page(403, team_leader=404, administrator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.other_team.public_id},
            label="another team in the trust",
        ),
    ],
    "api:api-root": [Case(api(200, partner_contact=200))],
    # The schema maps every endpoint: signed-in users only.
    "api-schema": [Case(expect(200, anonymous=401))],
    "api-docs": [Case(expect(200, anonymous=302))],
    "admin:index": [Case(expect(302, administrator=200))],
    "admin:login": [Case(expect(200, administrator=302))],
    "admin:logout": [Case(expect(302), method="post")],  # signs out, then to sign-in
    "admin:password_change": [Case(expect(302, administrator=200))],
    "admin:password_change_done": [Case(expect(302, administrator=200))],
    "admin:jsi18n": [Case(expect(302, administrator=200))],
    # Not scoped to a trust (tokens, sign-in logs of every trust): superusers only.
    "admin:authtoken_tokenproxy_changelist": [Case(expect(302, administrator=403))],
    "admin:authtoken_tokenproxy_add": [Case(expect(302, administrator=403))],
    "admin:axes_accessattempt_changelist": [Case(expect(302, administrator=403))],
    "admin:axes_accessattempt_add": [Case(expect(302, administrator=403))],
    "admin:axes_accessfailurelog_changelist": [Case(expect(302, administrator=403))],
    "admin:axes_accessfailurelog_add": [Case(expect(302, administrator=403))],
    "admin:axes_accesslog_changelist": [Case(expect(302, administrator=403))],
    "admin:axes_accesslog_add": [Case(expect(302, administrator=403))],
}

NOT_AUDITED = {
    "team": "a team's staff and counts of its people: no person's record",
    "password_reset_confirm": "a password reset token: no person's record",
}
