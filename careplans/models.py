import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from common.dates import in_trust_zone
from common.fields import FreeTextField, NameField
from common.validators import plan_date_errors
from directory.models import ServiceUser, Trust

from .choices import (
    AgreementMethod,
    GoalStatus,
    LifeArea,
    PlanPart,
    PlanStatus,
    StepWho,
    SupporterKind,
)

DEFAULT_REVIEW_INTERVAL_MONTHS = 12
REVIEW_SOON_DAYS = 30

# The free-text parts of a plan, each edited on its own page and guarded by its own revision
# counter, so that two people editing different parts never refuse each other.
TEXT_PARTS: dict[str, tuple[str, ...]] = {
    PlanPart.ABOUT: ("what_matters", "strengths", "hopes"),
    PlanPart.KEEPING_WELL: ("stay_well", "set_backs", "early_signs", "early_signs_actions"),
    PlanPart.CRISIS: (
        "crisis_helps",
        "crisis_unhelpful",
        "practical_arrangements",
        "treatment_preferences",
    ),
}


@dataclass(frozen=True)
class ReviewState:
    """Where a plan stands against its review date: overdue, due soon, or fine."""

    shown_status: str  # the status as people see it: an agreed plan past its date is review due
    due_on: datetime.date | None
    days: int | None  # days until the review is due, negative once overdue; None if not live
    overdue: bool
    soon: bool


def review_state_of(status: str, due_on: datetime.date | None, today: datetime.date) -> ReviewState:
    """The review state of a plan with this status and review date, on `today`.

    Only a draft or agreed plan with a review date is reviewed; a closed plan never is.
    """
    if status not in (PlanStatus.AGREED, PlanStatus.DRAFT) or due_on is None:
        return ReviewState(status, due_on, days=None, overdue=False, soon=False)
    days = (due_on - today).days
    shown = PlanStatus.REVIEW_DUE if status == PlanStatus.AGREED and days <= 0 else status
    return ReviewState(
        shown, due_on, days=days, overdue=days < 0, soon=0 <= days <= REVIEW_SOON_DAYS
    )


class TrustPlanSettings(models.Model):
    """How a trust runs its recovery plans; a trust without a row uses the defaults."""

    trust = models.OneToOneField(Trust, on_delete=models.CASCADE, related_name="plan_settings")
    review_interval_months = models.PositiveSmallIntegerField(
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        help_text="How long after agreement a plan is due for review.",
    )

    class Meta:
        verbose_name = "trust plan settings"
        verbose_name_plural = "trust plan settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=36),
                name="plan_settings_interval_range",
            )
        ]

    def __str__(self) -> str:
        return f"Plan settings for {self.trust}"


class RecoveryPlan(models.Model):
    """A person's current recovery plan, written with them and largely in their own words.

    One per person. Its free-text parts live here, each with a revision counter that an edit must
    quote (optimistic concurrency); goals, crisis contacts and supporters have their own rows.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.OneToOneField(
        ServiceUser, on_delete=models.PROTECT, related_name="recovery_plan"
    )
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    review_due_on = models.DateField("Review due", null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change to any part: agreement quotes it."
    )

    # About me
    what_matters = FreeTextField("What matters to me", blank=True)
    strengths = FreeTextField("My strengths", blank=True)
    hopes = FreeTextField("My hopes", blank=True)
    about_revision = models.PositiveIntegerField(default=1)
    # Keeping well
    stay_well = FreeTextField("Things I do to stay well", blank=True)
    set_backs = FreeTextField("What tends to set me back", blank=True)
    early_signs = FreeTextField("Early warning signs", blank=True)
    early_signs_actions = FreeTextField("What I and others should do when they appear", blank=True)
    keeping_well_revision = models.PositiveIntegerField(default=1)
    # Crisis and contingency
    crisis_helps = FreeTextField("What helps in a crisis", blank=True)
    crisis_unhelpful = FreeTextField("What does not help", blank=True)
    practical_arrangements = FreeTextField(
        "Practical arrangements", blank=True, help_text="Children, pets, bills, home."
    )
    treatment_preferences = FreeTextField("Treatment preferences", blank=True)
    crisis_revision = models.PositiveIntegerField(default=1)
    # When each part was last changed, for the plan's contents list (None: not since it started).
    about_changed_at = models.DateTimeField(null=True, blank=True)
    goals_changed_at = models.DateTimeField(null=True, blank=True)
    keeping_well_changed_at = models.DateTimeField(null=True, blank=True)
    crisis_changed_at = models.DateTimeField(null=True, blank=True)
    supporters_changed_at = models.DateTimeField(null=True, blank=True)
    # Sharing for agreement: the revision the coordinator asked the person to agree. The share
    # lapses by itself when the plan changes (the revision moves on), so nobody is asked to
    # agree words that were changed after they were told to read them.
    shared_revision = models.PositiveIntegerField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(shared_revision__isnull=True, shared_at__isnull=True)
                | models.Q(shared_revision__isnull=False, shared_at__isnull=False),
                name="plan_shared_revision_and_time",
            ),
            models.CheckConstraint(
                condition=models.Q(revision__gte=1)
                & models.Q(about_revision__gte=1)
                & models.Q(keeping_well_revision__gte=1)
                & models.Q(crisis_revision__gte=1),
                name="plan_revisions_positive",
            ),
        ]
        indexes = [models.Index(fields=["review_due_on"], name="plan_review_due_idx")]

    def __str__(self) -> str:
        return f"Recovery plan of {self.service_user}"

    def get_absolute_url(self) -> str:
        return reverse("careplans:plan", kwargs={"public_id": self.service_user.public_id})

    def revision_of(self, part: str) -> int:
        return getattr(self, f"{part}_revision")

    @property
    def awaiting_agreement(self) -> bool:
        """Shared with the person for agreement, and not changed since (see `selectors`)."""
        return self.status == PlanStatus.DRAFT and self.shared_revision == self.revision

    def part_changed_at(self, part: str) -> datetime.datetime:
        """When a part (a `PlanPart` value) was last changed, or the plan started."""
        return getattr(self, f"{part}_changed_at") or self.created_at

    def review_state(self, today: datetime.date) -> ReviewState:
        return review_state_of(self.status, self.review_due_on, today)

    def shown_status(self, today: datetime.date) -> str:
        """The status as people see it: an agreed plan past its review date is due for review."""
        return self.review_state(today).shown_status


def check_plan_dates(plan: RecoveryPlan | None, **dates: datetime.date | None) -> None:
    """Refuse, by field, dates outside the window of `plan` (`common.validators`)."""
    created = plan.created_at if plan is not None else None
    started = in_trust_zone(created).date() if created is not None else None
    if errors := plan_date_errors(dates, started=started):
        raise ValidationError(errors)


class Goal(models.Model):
    """Something the person wants for their life, in their words, with the steps towards it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField(default=0)
    life_area = models.CharField(max_length=32, choices=LifeArea.choices)
    description = FreeTextField("The goal, in the person's words")
    why_it_matters = FreeTextField("Why it matters", blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField("How far along (1 to 10)", null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(life_area__in=LifeArea.values), name="goal_life_area_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True)
                | models.Q(progress__gte=1, progress__lte=10),
                name="goal_progress_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self) -> None:
        check_plan_dates(self.plan if self.plan_id else None, target_date=self.target_date)


class GoalStep(models.Model):
    """One step towards a goal: what, who does it, by when, and when it was done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    what = FreeTextField("What")
    who = models.CharField(max_length=24, choices=StepWho.choices)
    by_when = models.DateField("By when", null=True, blank=True)
    done_on = models.DateField("Done on", null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(who__in=StepWho.values), name="goal_step_who_valid"
            )
        ]

    def __str__(self) -> str:
        return self.what[:60]

    def clean(self) -> None:
        plan = self.goal.plan if self.goal_id else None
        check_plan_dates(plan, by_when=self.by_when, done_on=self.done_on)


class CrisisContact(models.Model):
    """Who to call in a crisis, and when: shown first whenever the plan is opened."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="crisis_contacts")
    position = models.PositiveIntegerField(default=0)
    name = NameField(max_length=200)
    relationship = NameField("Relationship or service", max_length=200)
    phone = NameField("Phone number", max_length=40)
    when_to_call = FreeTextField("When to call", blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class Supporter(models.Model):
    """Family, a friend or a carer who takes part, with what the person agrees to share."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="supporters")
    name = NameField(max_length=200)
    kind = models.CharField("Who they are", max_length=16, choices=SupporterKind.choices)
    relationship = NameField(max_length=200, blank=True)
    contact = NameField("Phone or email", max_length=200, blank=True)
    shared_parts = models.JSONField(
        default=list, blank=True, help_text="The plan parts the person agrees to share."
    )
    consent_recorded_on = models.DateField(
        null=True, blank=True, help_text="The date of the latest consent to share."
    )
    consent_dates = models.JSONField(
        default=dict,
        blank=True,
        help_text="When the person agreed to share each part, by part (ISO dates).",
    )
    told_of_carer_assessment = models.BooleanField(
        "Told of their right to a carer's assessment", default=False
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SupporterKind.values), name="supporter_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def shared_part_labels(self) -> list[str]:
        labels = dict(PlanPart.choices)
        return [labels[p] for p in self.shared_parts if p in labels]

    def shared_consents(self) -> list[tuple[str, datetime.date | None]]:
        """Each shared part, in plan order, with the date the person agreed to share it."""
        dates = self.consent_dates or {}
        return [
            (label, datetime.date.fromisoformat(dates[value]) if dates.get(value) else None)
            for value, label in PlanPart.choices
            if value in (self.shared_parts or [])
        ]


class PlanComment(models.Model):
    """A comment on one part of the plan, most often the person's own words about it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="comments")
    part = models.CharField(max_length=16, choices=PlanPart.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = FreeTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The coordinator's answer: a reply, or an empty reply when they marked it dealt with.
    # A person's comment without an answer holds back agreement.
    reply = FreeTextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(part__in=PlanPart.values), name="plan_comment_part_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, answered_by__isnull=True)
                | models.Q(answered_at__isnull=False, answered_by__isnull=False),
                name="plan_comment_answer_names_who",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=False) | models.Q(reply=""),
                name="plan_comment_reply_is_an_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.get_part_display()} by {self.author}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class PlanVersion(models.Model):
    """An agreed version of a plan, frozen as it stood when agreed. Rows are only ever added."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who pressed agree, or who recorded agreement given in person.",
    )
    method = models.CharField(max_length=16, choices=AgreementMethod.choices)
    note = FreeTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(method__in=AgreementMethod.values),
                name="plan_version_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.plan}"

    def clean(self) -> None:
        check_plan_dates(self.plan if self.plan_id else None, agreed_on=self.agreed_on)


class PlanReview(models.Model):
    """A review of the plan with the person: what was said, each goal's new rating, what next."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    summary = FreeTextField()
    ratings = models.JSONField(default=dict, blank=True, help_text="Goal id to 1-10 rating.")
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_on__gt=models.F("reviewed_on")),
                name="plan_review_next_after_review",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.reviewed_on}"

    def clean(self) -> None:
        check_plan_dates(
            self.plan if self.plan_id else None,
            reviewed_on=self.reviewed_on,
            next_review_on=self.next_review_on,
        )
