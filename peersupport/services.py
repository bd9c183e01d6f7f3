"""Writes in the peer workforce: rostering under the working-time rules, and the calendar feed.

Every assignment is checked by `peersupport.rules` inside a transaction holding the worker's row
locked, so two people rostering the same worker at the same moment are checked one after the
other and cannot both succeed with clashing shifts.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from import_export import resources
from import_export.fields import Field
from import_export.widgets import CharWidget, DateWidget, ForeignKeyWidget

from common.dates import trust_time_zone, trust_today
from directory.audit import AuditContext
from directory.choices import TeamRole
from directory.models import Membership, Team, User
from directory.services import membership_grant

from . import rules
from .choices import PostStatus, TrainingLevel
from .models import PeerPost, PeerWorker, RecoveryChampion, Shift, TrainingRecord
from .permissions import can_roster, can_take_shift, may_manage_workforce, own_worker
from .selectors import feed_token_hash, rostered_around, span_of, terms_of, week_bounds


class RosterRuleBroken(Exception):
    """An assignment refused by one or more working-time rules (the API answers 409)."""

    def __init__(self, outcome: rules.Outcome) -> None:
        self.outcome = outcome
        super().__init__(" ".join(f.message for f in outcome.breaches))

    @property
    def breaches(self) -> tuple[rules.Finding, ...]:
        return self.outcome.breaches


@dataclass(frozen=True)
class Assignment:
    shift: Shift
    warnings: tuple[rules.Finding, ...] = ()


def _check_shift_shape(*, starts_at: datetime.datetime, ends_at: datetime.datetime, breaks: int):
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The shift must end after it starts."})
    if ends_at - starts_at > datetime.timedelta(hours=24):
        raise ValidationError({"ends_at": "A shift lasts 24 hours at most."})
    probe = rules.Span("new", "This shift", starts_at, ends_at, break_minutes=breaks)
    for finding in rules.check_break(probe):
        raise ValidationError({"break_minutes": finding.message})


@transaction.atomic
def shift_create(
    *,
    actor: User,
    team: Team,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    kind: str,
    required_level: str = "",
    break_minutes: int = 0,
    audit: AuditContext,
) -> Shift:
    """Add an open shift to a team's rota. A shift over 6 hours must include its break."""
    if not can_roster(actor, team=team):
        raise ValidationError("You cannot roster this team.")
    _check_shift_shape(starts_at=starts_at, ends_at=ends_at, breaks=break_minutes)
    shift = Shift(
        trust_id=team.trust_id,
        team=team,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        required_level=required_level,
        break_minutes=break_minutes,
    )
    shift.full_clean()
    shift.save()
    return shift


def _assign(*, shift: Shift, worker: PeerWorker) -> Assignment:
    """Check every rule and give `shift` to `worker`, in the caller's transaction.

    The worker's row is locked first: whoever holds it reads the worker's rota as the last
    committed assignment left it, so a clashing assignment made at the same moment waits and
    is then refused. The shift's row is locked next, so it goes to one worker only.
    """
    locked_worker = PeerWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    locked.team = shift.team  # already read; the label needs it
    if locked.worker_id == locked_worker.pk:
        return Assignment(shift=locked)  # a double submit: already theirs
    if locked.worker_id is not None:
        raise ValidationError("This shift has just been given to someone else.")
    if locked.trust_id != locked_worker.trust_id:
        raise ValidationError({"worker": "Choose a worker in the shift's trust."})
    others = [span_of(s) for s in rostered_around(worker=locked_worker, shift=locked)]
    outcome = rules.check_assignment(
        span_of(locked), others, terms_of(locked_worker), zone=trust_time_zone()
    )
    if not outcome.allowed:
        raise RosterRuleBroken(outcome)
    locked.worker = locked_worker
    locked.save(update_fields=["worker"])
    return Assignment(shift=locked, warnings=outcome.warnings)


@transaction.atomic
def shift_assign(
    *, actor: User, shift: Shift, worker: PeerWorker, audit: AuditContext
) -> Assignment:
    """Roster `worker` to `shift` (HR). Raises RosterRuleBroken naming each rule it breaks."""
    if not can_roster(actor, shift):
        raise ValidationError("You cannot roster this shift.")
    return _assign(shift=shift, worker=worker)


@transaction.atomic
def shift_take(*, actor: User, shift: Shift, audit: AuditContext) -> Assignment:
    """A peer worker takes an open shift offered to them, under the same rules."""
    worker = own_worker(actor)
    if worker is None or not can_take_shift(actor, shift):
        raise ValidationError("This shift is not open to you.")
    return _assign(shift=shift, worker=worker)


@transaction.atomic
def shift_unassign(*, actor: User, shift: Shift, audit: AuditContext) -> Shift:
    """Take the worker off a shift, leaving it open. Twice is the same as once."""
    if not can_roster(actor, shift):
        raise ValidationError("You cannot roster this shift.")
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    if locked.worker_id is not None:
        locked.worker = None
        locked.save(update_fields=["worker"])
    return locked


@transaction.atomic
def week_copy(*, actor: User, team: Team, monday: datetime.date, audit: AuditContext) -> int:
    """Copy a team's shifts of one week into the next, open (nobody assigned): the same wall
    clock times a week later, whatever the clocks did in between. Copying again adds nothing.
    Returns how many shifts were added."""
    if not can_roster(actor, team=team):
        raise ValidationError("You cannot roster this team.")
    Team.objects.select_for_update().get(pk=team.pk)  # one copy of a team's week at a time
    start, end = week_bounds(monday)
    zone = trust_time_zone()
    added = 0
    sources = Shift.objects.filter(
        team=team, starts_at__gte=start, starts_at__lt=end, copied_to__isnull=True
    )
    for source in sources:
        local_start = source.starts_at.astimezone(zone)
        local_end = source.ends_at.astimezone(zone)
        copy = Shift(
            trust_id=source.trust_id,
            team=team,
            starts_at=_a_week_later(local_start, zone),
            ends_at=_a_week_later(local_end, zone),
            kind=source.kind,
            required_level=source.required_level,
            break_minutes=source.break_minutes,
            copied_from=source,
        )
        copy.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                copy.save()
        except IntegrityError:  # copied at the same moment by someone else
            continue
        added += 1
    return added


def _a_week_later(local: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    wall = local.replace(tzinfo=None) + datetime.timedelta(days=7)
    return wall.replace(tzinfo=zone)


@transaction.atomic
def feed_link_issue(*, actor: User, audit: AuditContext) -> str:
    """A new secret for the actor's calendar feed; the old address stops working. The secret
    is shown once and only its hash is kept."""
    worker = own_worker(actor)
    if worker is None:
        raise ValidationError("Only peer support workers have a rota feed.")
    token = secrets.token_urlsafe(32)
    PeerWorker.objects.filter(pk=worker.pk).update(feed_token_hash=feed_token_hash(token))
    return token


@transaction.atomic
def feed_link_revoke(*, actor: User, audit: AuditContext) -> None:
    worker = own_worker(actor)
    if worker is None:
        raise ValidationError("Only peer support workers have a rota feed.")
    PeerWorker.objects.filter(pk=worker.pk).update(feed_token_hash="")


@transaction.atomic
def post_create(
    *,
    actor: User,
    team: Team,
    title: str,
    band: str,
    hours_per_week: Decimal,
    fixed_term_ends_on: datetime.date | None = None,
    status: str = PostStatus.VACANT,
    audit: AuditContext,
) -> PeerPost:
    """Add a vacant (or recruiting) peer post to a team."""
    if not can_roster(actor, team=team):
        raise ValidationError("You cannot add posts to this team.")
    if status == PostStatus.FILLED:
        raise ValidationError({"status": "Add the post, then fill it with a worker."})
    post = PeerPost(
        trust_id=team.trust_id,
        team=team,
        title=title,
        band=band,
        hours_per_week=hours_per_week,
        fixed_term_ends_on=fixed_term_ends_on,
        status=status,
    )
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def post_fill(
    *,
    actor: User,
    post: PeerPost,
    worker: PeerWorker,
    on: datetime.date,
    audit: AuditContext,
) -> PeerPost:
    """Fill a post with a worker from `on`: the worker gains the peer support role in the
    post's team from that day, through the directory. Filling it again with the same worker
    changes nothing."""
    if not can_roster(actor, team=post.team):
        raise ValidationError("You cannot fill posts in this team.")
    locked = PeerPost.objects.select_for_update().select_related("team").get(pk=post.pk)
    if locked.worker_id == worker.pk:
        return locked
    if locked.worker_id is not None:
        raise ValidationError({"worker": "This post has just been filled by someone else."})
    if worker.trust_id != locked.trust_id:
        raise ValidationError({"worker": "Choose a worker in the post's trust."})
    locked.worker, locked.status, locked.filled_on = worker, PostStatus.FILLED, on
    locked.full_clean()
    locked.save(update_fields=["worker", "status", "filled_on"])
    membership_grant(
        actor=actor,
        user=worker.user,
        team=locked.team,
        role=TeamRole.PEER_SUPPORT_WORKER,
        started_on=on,
        audit=audit,
    )
    return locked


@transaction.atomic
def champion_designate(
    *, actor: User, team: Team, user: User, audit: AuditContext
) -> RecoveryChampion:
    """Make a member of the team its recovery champion from today (again is once)."""
    if not can_roster(actor, team=team):
        raise ValidationError("You cannot designate champions in this team.")
    if not Membership.objects.in_force().filter(user=user, team=team).exists():
        raise ValidationError({"user": "Choose a member of the team."})
    champion, _ = RecoveryChampion.objects.get_or_create(
        team=team, user=user, ended_on=None, defaults={"started_on": trust_today()}
    )
    return champion


# --- training records imported from a CSV file --------------------------------------------

IMPORT_COLUMNS = ("username", "level", "completed_on", "expires_on")


class CellError(ValueError):
    """A value in one column of a row that cannot be read."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


class _StaffInTrust(ForeignKeyWidget):
    """A username, for a member of staff of the importing trust only."""

    def __init__(self, trust_id: int) -> None:
        super().__init__(User, field="username")
        self.trust_id = trust_id

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return User.objects.filter(trust_id=self.trust_id)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if not value:
            raise CellError("username", "Give the member of staff's username.")
        try:
            return super().clean(value, row, **kwargs)
        except User.DoesNotExist as exc:
            raise CellError(
                "username", f"No member of staff in your trust has the username {value!r}."
            ) from exc


class _Level(CharWidget):
    """A training level by its code or its name ("foundation" or "Foundation")."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "").strip()
        for code, label in TrainingLevel.choices:
            if text.lower() in (code, label.lower()):
                return code
        raise CellError(
            "level",
            "Give one of the six levels: "
            + ", ".join(label for _, label in TrainingLevel.choices)
            + ".",
        )


class _Date(DateWidget):
    def __init__(self, column: str) -> None:
        super().__init__("%Y-%m-%d")
        self.column = column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as exc:
            raise CellError(
                self.column, "Give a date as YYYY-MM-DD, for example 2026-03-31."
            ) from exc


class TrainingRecordResource(resources.ModelResource):
    """One CSV row per completed course: username, level, completed_on, expires_on (optional).
    A row that repeats a record already held (same person, level and day) updates it."""

    def __init__(self, *, trust_id: int) -> None:
        super().__init__()
        self.fields["user"] = Field(
            attribute="user", column_name="username", widget=_StaffInTrust(trust_id)
        )
        self.fields["level"] = Field(attribute="level", column_name="level", widget=_Level())
        self.fields["completed_on"] = Field(
            attribute="completed_on", column_name="completed_on", widget=_Date("completed_on")
        )
        self.fields["expires_on"] = Field(
            attribute="expires_on", column_name="expires_on", widget=_Date("expires_on")
        )

    class Meta:
        model = TrainingRecord
        fields = ("user", "level", "completed_on", "expires_on")
        import_id_fields = ("user", "level", "completed_on")
        clean_model_instances = True
        use_transactions = True


def _cell(error: BaseException) -> tuple[str, str]:
    """The column and message of a row's error, wherever the library wrapped it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, CellError):
            return seen.column, str(seen)
        seen = seen.__cause__ or seen.__context__
    return "", str(error)


@dataclass(frozen=True)
class ImportOutcome:
    imported: int = 0
    errors: tuple[tuple[int, str, str], ...] = ()  # (row number, column, message)


def training_import(*, actor: User, csv_text: str, audit: AuditContext) -> ImportOutcome:
    """Import training records from CSV text, all or nothing: every row is checked first and,
    if any is wrong, nothing is saved and each problem is reported by row and column (row 1
    is the first row after the header)."""
    if not may_manage_workforce(actor) or actor.trust_id is None:
        raise ValidationError("Only HR imports training records.")
    try:
        dataset = tablib.Dataset().load(csv_text, format="csv")
    except Exception as exc:  # tablib raises several kinds for text that is not CSV
        raise ValidationError({"file": "The file is not a CSV file."}) from exc
    missing = [c for c in ("username", "level", "completed_on") if c not in (dataset.headers or [])]
    if missing:
        raise ValidationError(
            {"file": f"The first row must name the columns; missing: {', '.join(missing)}."}
        )
    if "expires_on" not in dataset.headers:
        dataset.append_col([""] * len(dataset), header="expires_on")
    resource = TrainingRecordResource(trust_id=actor.trust_id)
    checked = resource.import_data(dataset, dry_run=True, raise_errors=False)
    errors: list[tuple[int, str, str]] = []
    for invalid in checked.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = {"user": "username"}.get(field, field if field in IMPORT_COLUMNS else "")
            errors += [(invalid.number, column, message) for message in messages]
    for number, row_errors in checked.row_errors():
        errors += [(number, *_cell(error.error)) for error in row_errors]
    if errors or checked.has_errors():
        return ImportOutcome(errors=tuple(sorted(errors)))
    with transaction.atomic():
        done = resource.import_data(dataset, dry_run=False, raise_errors=True)
    return ImportOutcome(imported=done.totals["new"] + done.totals["update"])
