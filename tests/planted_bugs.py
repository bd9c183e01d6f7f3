"""Plant each known single-line bug in turn and check the tests meant to catch it fail.

Run with `make planted-bugs` (or `python -m tests.planted_bugs`, with the test settings and database in
the environment). Each mutant edits one application file, runs the named tests, and puts the
file back whatever happens. Exits non-zero if any mutant survives.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LISTS = "tests/test_who_is_listed.py"
STALE = "tests/careplans/test_stale_edits.py"
DATES = "tests/test_date_boundaries.py"
BAD_INPUT = "tests/site/test_bad_input.py"
INSTRUMENT_FILES = "tests/surveys/test_instrument_file_safety.py"
LINKS = "tests/surveys/test_link_binding.py"
ROLLUP_PEOPLE = "tests/surveys/test_rollup_people.py"
NETWORK_ISOLATION = "tests/networks/test_api.py"
NETWORK_PERMISSIONS = "tests/networks/test_permissions.py"
NETWORK_STEPS = "tests/networks/test_transitions.py"
AGREEMENT = "tests/careplans/test_agreement_flow.py"
PLAN_PAGE = "tests/careplans/test_plan_page.py"


@dataclass(frozen=True)
class Mutant:
    what: str
    path: str
    old: str
    new: str
    tests: str


MUTANTS = [
    Mutant(
        "team leaders see the whole trust",
        "directory/permissions.py",
        'condition |= Q(**{f"{prefix}team_id__in": roles.leads})',
        'condition |= Q(**{f"{prefix}trust_id": roles.trust_id})',
        LISTS,
    ),
    Mutant(
        "a coordinator is trusted by the coordinator link alone, whatever the team",
        "directory/permissions.py",
        'return Q(**{f"{prefix}team_id__in": roles.coordinates_in}) & Q(Exists(today_theirs))',
        "return Q(Exists(today_theirs))",
        LISTS,
    ),
    Mutant(
        "a step, supporter or crisis contact is saved whatever revision it was read at",
        "careplans/services/items.py",
        "if not compare_and_set(item, seen=revision, values=changes()):",
        "if not compare_and_set(item, seen=type(item).objects.get(pk=item.pk).revision,"
        " values=changes()):",
        STALE,
    ),
    Mutant(
        "a step, supporter or crisis contact is removed whatever revision it was read at",
        "careplans/services/items.py",
        "deleted, _ = manager.filter(pk=item.pk, revision=revision).delete()",
        "deleted, _ = manager.filter(pk=item.pk).delete()",
        STALE,
    ),
    Mutant(
        "a review due today counts as overdue",
        "careplans/models.py",
        "overdue=days < 0,",
        "overdue=days <= 0,",
        DATES,
    ),
    Mutant(
        "the review-soon window loses its last day",
        "careplans/models.py",
        "soon=0 <= days <= REVIEW_SOON_DAYS",
        "soon=0 <= days < REVIEW_SOON_DAYS",
        DATES,
    ),
    Mutant(
        "an agreed plan is due for review only the day after its date",
        "careplans/models.py",
        "if status == PlanStatus.AGREED and days <= 0 else status",
        "if status == PlanStatus.AGREED and days < 0 else status",
        DATES,
    ),
    Mutant(
        "a check-in is not due on its due day",
        "surveys/selectors/checkins.py",
        "elif today < due:",
        "elif today <= due:",
        DATES,
    ),
    Mutant(
        "a check-in is overdue a day early",
        "surveys/selectors/checkins.py",
        "due + datetime.timedelta(days=OVERDUE_AFTER_DAYS)",
        "due + datetime.timedelta(days=OVERDUE_AFTER_DAYS - 1)",
        DATES,
    ),
    Mutant(
        "an invitation link works at the moment it expires",
        "surveys/views/link.py",
        "if invitation.expires_at <= timezone.now():",
        "if invitation.expires_at < timezone.now():",
        DATES,
    ),
    Mutant(
        "a new invitation reuses an expired one",
        "surveys/services/invitations.py",
        "service_user=service_user, used_at__isnull=True, expires_at__gt=now",
        "service_user=service_user, used_at__isnull=True",
        DATES,
    ),
    Mutant(
        "a check-in's day is taken in UTC, not in the trust's zone",
        "surveys/services/responses.py",
        "    today = trust_today()\n    if completed_on is None",
        "    today = timezone.now().date()\n    if completed_on is None",
        DATES,
    ),
    Mutant(
        "people born more than 120 years ago are taken",
        "common/validators.py",
        "OLDEST_AGE_YEARS = 120",
        "OLDEST_AGE_YEARS = 130",
        BAD_INPUT,
    ),
    Mutant(
        "the right-to-left override is let through",
        "common/validators.py",
        '_BIDI = "\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"',
        '_BIDI = "\\u200e\\u200f\\u2066-\\u2069"',
        BAD_INPUT,
    ),
    Mutant(
        "plan dates have no upper bound",
        "common/validators.py",
        "elif value > last:",
        "elif value > last.replace(year=9999):",
        BAD_INPUT,
    ),
    Mutant(
        "a comment lands on a closed plan",
        "careplans/services/agreement.py",
        'status == PlanStatus.CLOSED:\n        raise ValidationError("This plan is closed, so',
        "status == 'never':\n        raise ValidationError(\"This plan is closed, so",
        BAD_INPUT,
    ),
    Mutant(
        "a key sent again with different answers is quietly taken as a retry",
        "surveys/services/responses.py",
        '"answers": stored != dict(request.answers),',
        '"answers": False,',
        BAD_INPUT,
    ),
    Mutant(
        "YAML aliases are expanded",
        "surveys/instrument_files/reading.py",
        "if self.check_event(yaml.AliasEvent):",
        "if False:",
        INSTRUMENT_FILES,
    ),
    Mutant(
        "NaN and Infinity pass into a lookup table",
        "surveys/instrument_files/rules.py",
        "if isinstance(reported, float) and not math.isfinite(reported):",
        "if False:",
        INSTRUMENT_FILES,
    ),
    Mutant(
        "an item left out for its own problem makes its domain look short",
        "surveys/instrument_files/checked.py",
        "return domain not in self.unsure_domains and not self.item_without_domain",
        "return True",
        INSTRUMENT_FILES,
    ),
    Mutant(
        "a second browser goes on with a link another started",
        "surveys/services/invitations.py",
        "elif not invitation_held_by(locked, browser_key):",
        "elif False:",
        LINKS,
    ),
    Mutant(
        "a link's check-in is sent after the link expired",
        "surveys/services/responses.py",
        "        response.invitation_id is not None\n        and Invitation",
        "        False\n        and Invitation",
        LINKS,
    ),
    Mutant(
        "a team's people are counted by the trust gaps",
        "surveys/services/rollups/sql.py",
        '{_people_after("gap", "responses")} AS people,',
        '{_people_after("trust_gap", "responses")} AS people,',
        ROLLUP_PEOPLE,
    ),
    Mutant(
        "a person with two episodes in a window is on the caseload twice",
        "surveys/services/rollups/sql.py",
        "SELECT greatest(coalesce(r.prev_lm + 1, r.fm - l.len + 1), r.fm - l.len + 1,",
        "SELECT greatest(r.fm - l.len + 1, r.fm - l.len + 1,",
        ROLLUP_PEOPLE,
    ),
    Mutant(
        "a partner contact sees suggestions the person has not agreed to send",
        "networks/permissions.py",
        "return Referral.objects.filter(partner_id__in=partners).exclude(",
        "return Referral.objects.filter(partner_id__in=partners).exclude(pk__in=[]).filter(",
        NETWORK_ISOLATION,
    ),
    Mutant(
        "anyone who may read a person may refer them, the person themselves included",
        "networks/permissions.py",
        "return bool(roles_of(user).peer_in) and can_see_person(user, person)",
        "return can_see_person(user, person)",
        NETWORK_PERMISSIONS,
    ),
    Mutant(
        "a partner may start a referral it never accepted",
        "networks/transitions.py",
        "(S.ACCEPTED, S.STARTED): Side.PARTNER,",
        "(S.ACCEPTED, S.STARTED): Side.PARTNER, (S.REFERRED, S.STARTED): Side.PARTNER,",
        NETWORK_STEPS,
    ),
    Mutant(
        "a plan is agreed while the person's comment waits for an answer",
        "careplans/services/agreement.py",
        "if open_comments_of(locked).exists():",
        "if False:",
        AGREEMENT,
    ),
    Mutant(
        "a plan changed after it was shared still waits for agreement as if unchanged",
        "careplans/models.py",
        "return self.status == PlanStatus.DRAFT and self.shared_revision == self.revision",
        "return self.status == PlanStatus.DRAFT and self.shared_revision is not None",
        AGREEMENT,
    ),
    Mutant(
        "the review page draws no question for the goals, so their ratings are lost",
        "careplans/forms.py",
        'self.helper.layout = Layout("reviewed_on", *goal_questions, "summary", "next_review_on")',
        "pass",
        PLAN_PAGE,
    ),
]


def main() -> int:
    survived = []
    for mutant in MUTANTS:
        path = ROOT / mutant.path
        original = path.read_text()
        if mutant.old not in original:
            print(f"STALE MUTANT (the line moved): {mutant.what}")
            survived.append(mutant.what)
            continue
        path.write_text(original.replace(mutant.old, mutant.new, 1))
        try:
            run = subprocess.run(
                [sys.executable, "-m", "pytest", mutant.tests, "-q", "-x", "-p", "no:randomly"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            path.write_text(original)
        caught = run.returncode != 0
        print(f"{'caught  ' if caught else 'SURVIVED'} {mutant.what}", flush=True)
        if not caught:
            survived.append(mutant.what)
    print(f"{len(MUTANTS) - len(survived)} of {len(MUTANTS)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
