"""Locality networks, their partner organisations and what they offer, referrals to those
offers from a person's plan goals, and the networks' meetings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from careplans.models import Goal
from common.dates import trust_today
from common.fields import FreeTextField, NameField
from directory.models import DatedQuerySet, ServiceUser, Team, Trust
from directory.models.dated import _dated_constraints

from .choices import OpportunityKind, PartnerKind, ReferralStatus, Side


def _location_constraint(name: str) -> models.CheckConstraint:
    """A place is given by both coordinates or by neither."""
    return models.CheckConstraint(
        condition=models.Q(latitude__isnull=True, longitude__isnull=True)
        | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
        name=f"{name}_location_whole",
    )


class Located(models.Model):
    """A postcode and its coordinates (WGS84 degrees), for "near a team's base"."""

    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True


class Network(models.Model):
    """A trust's locality network: every agency in an area working as one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="networks")
    name = NameField(max_length=200)
    area = FreeTextField(help_text="The towns, villages and wards the network covers.")
    teams = models.ManyToManyField(Team, blank=True, related_name="networks")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_networks",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="network_name_unique_in_trust")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network", kwargs={"public_id": self.public_id})


class ExpertGroupMember(models.Model):
    """A member of the network's professional expert group, which informs its work."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="experts")
    name = NameField(max_length=200)
    role = NameField(max_length=200, help_text="Their profession or post, and where.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamBase(Located):
    """Where a team works from, so offers can be found near it."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="base")

    class Meta:
        constraints = [_location_constraint("team_base")]

    def __str__(self) -> str:
        return f"Base of {self.team}"


class Partner(Located):
    """An organisation in one or more networks (which may belong to different trusts)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(max_length=200)
    kind = models.CharField(max_length=32, choices=PartnerKind.choices)
    description = FreeTextField(blank=True)
    address = FreeTextField(blank=True)
    contact_name = NameField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    networks = models.ManyToManyField(Network, related_name="partners")
    is_active = models.BooleanField("Active", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
            _location_constraint("partner"),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="partner_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:partner", kwargs={"public_id": self.public_id})


class PartnerContact(models.Model):
    """A named person at a partner organisation with their own login: they see referrals to
    their organisation and keep its opportunities up to date, and nothing else."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_contacts"
    )
    job_title = NameField(max_length=200, blank=True)
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day the login no longer acts for them."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="partner_contact_open_unique",
            ),
            *_dated_constraints("partner_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.partner}"

    def clean(self) -> None:
        # A partner's contact works for the partner, not a trust: a trust login may not double
        # as one, so no trust role can ever widen what a contact sees (or the reverse).
        if self.user_id is not None and self.user.trust_id is not None:
            raise ValidationError({"user": "A partner contact's login must not belong to a trust."})


class Opportunity(Located):
    """Something a partner offers people in recovery: work, learning, a group, a home."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="opportunities")
    kind = models.CharField(max_length=32, choices=OpportunityKind.choices)
    title = NameField(max_length=200)
    description = FreeTextField()
    eligibility = FreeTextField(blank=True, help_text="Who can take part.")
    places = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty if there is no limit."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    how_to_apply = FreeTextField(blank=True)
    is_active = models.BooleanField("Open", default=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OpportunityKind.values),
                name="opportunity_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="opportunity_ends_after_start",
            ),
            _location_constraint("opportunity"),
        ]
        indexes = [models.Index(fields=["kind", "title"], name="opportunity_kind_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:opportunity", kwargs={"public_id": self.public_id})


class Referral(models.Model):
    """A person connected to an opportunity from one of their plan goals.

    `shared` is exactly what the partner sees about the person, as label and value pairs, fixed
    when the person agreed to share it. The person, team and partner are copied from the goal
    and the opportunity so that who may see the referral is one indexed condition.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    consent_recorded_on = models.DateField(null=True, blank=True)
    shared = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submission = models.UUIDField(
        unique=True, null=True, blank=True, help_text="The add form's id: a resubmit adds once."
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values),
                name="referral_status_valid",
            ),
            # Nothing reaches a partner without the person's recorded consent.
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.SUGGESTED)
                | models.Q(consent_recorded_on__isnull=False)
                | models.Q(status=ReferralStatus.WITHDRAWN),
                name="referral_sent_with_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status"], name="referral_partner_idx"),
            models.Index(fields=["person", "status"], name="referral_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.opportunity_id} ({self.status})"

    @property
    def last_step(self) -> ReferralStep | None:
        """The latest step (from the steps read with the referral, where a list prefetched them)."""
        steps = list(self.steps.all())
        return steps[-1] if steps else None


class ReferralStep(models.Model):
    """One step of a referral: its status, the day it happened and what came of it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    happened_on = models.DateField()
    note = FreeTextField("Outcome note", blank=True)
    side = models.CharField(max_length=8, choices=Side.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "pk"]
        constraints = [
            # Each status is reached once: a step can never be recorded twice or undone.
            models.UniqueConstraint(fields=["referral", "status"], name="referral_step_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values),
                name="referral_step_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} on {self.happened_on}"


class NetworkMeeting(models.Model):
    """A meeting of a locality network, with who came by kind."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    topic = NameField(max_length=200)
    notes = FreeTextField(blank=True)
    decisions = FreeTextField(blank=True)
    lived_experience = models.PositiveSmallIntegerField("People with lived experience")
    trust_staff = models.PositiveSmallIntegerField("Trust staff")
    partner_staff = models.PositiveSmallIntegerField("Partner staff")
    carers = models.PositiveSmallIntegerField("Carers")
    submission = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.network} on {self.held_on}"

    @property
    def attendance(self) -> int:
        return self.lived_experience + self.trust_staff + self.partner_staff + self.carers
