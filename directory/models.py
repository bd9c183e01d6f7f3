from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from common.dates import trust_today

from .choices import AccessAction, CareRelationshipKind, TeamKind, TeamRole, TrustRole
from .nhs_number import format_nhs_number, normalise_nhs_number, validate_nhs_number


class DatedQuerySet(models.QuerySet):
    """Rows with `started_on` and `ended_on` (null while open).

    `ended_on` is the first day a row no longer applies, so a change made today ends the old row
    and starts the new one on the same date without the two overlapping.
    """

    def in_force(self, on: datetime.date | None = None) -> DatedQuerySet:
        """The rows that apply on a day (today in the trust's zone unless given)."""
        return self.filter(in_force_condition(on))


def in_force_condition(on: datetime.date | None = None, prefix: str = "") -> models.Q:
    """The one definition of "in force on a day" for every dated row, to compose in queries."""
    day = on or trust_today()
    return models.Q(**{f"{prefix}started_on__lte": day}) & (
        models.Q(**{f"{prefix}ended_on__isnull": True}) | models.Q(**{f"{prefix}ended_on__gt": day})
    )


def _dated_constraints(name: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(ended_on__isnull=True)
            | models.Q(ended_on__gte=models.F("started_on")),
            name=f"{name}_ends_after_start",
        )
    ]


class Trust(models.Model):
    """An NHS trust: the boundary no record crosses."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        unique=True,
        help_text="The trust's Organisation Data Service code.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A clinical team in a trust, which people are on the caseload of."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TeamKind.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="team_name_unique_in_trust"),
            models.CheckConstraint(
                condition=models.Q(kind__in=TeamKind.values), name="team_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:team", kwargs={"public_id": self.public_id})


class User(AbstractUser):
    """Anyone who signs in: staff of a trust, or a service user with a linked login."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # set_password() keeps the raw password until the next save.
        password_changed = getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            # A new password ends every API token issued under the old one, as it ends sessions.
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()


class Membership(models.Model):
    """A person's role in one team: care coordinator, team leader or peer support worker."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=TeamRole.choices)
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day the role no longer applies."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_open_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=TeamRole.values), name="membership_role_valid"
            ),
            *_dated_constraints("membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.team})"


class TrustRoleGrant(models.Model):
    """A trust-wide role in a named trust: QA manager, HR, network coordinator or administrator.

    The grant names its trust so that moving a login to another trust carries no role with it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trust_roles")
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=TrustRole.choices)
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day the role no longer applies."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="trust_role_open_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=TrustRole.values), name="trust_role_valid"
            ),
            *_dated_constraints("trust_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ServiceUser(models.Model):
    """A person using the trust's services: whose plan, check-ins and referrals these are."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="service_users")
    nhs_number = models.CharField("NHS number", max_length=10, validators=[validate_nhs_number])
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What the person likes to be called, if different."
    )
    date_of_birth = models.DateField()
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="service_users",
        help_text="The current team; its history is in the person's team episodes.",
    )
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_user_record",
        help_text="The person's own login, if they have one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "nhs_number"], name="service_user_nhs_number_unique_in_trust"
            ),
            models.CheckConstraint(
                condition=models.Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="service_user_nhs_number_ten_digits",
            ),
        ]
        indexes = [
            models.Index(Lower("family_name"), Lower("given_name"), name="service_user_name_idx"),
            models.Index(fields=["team", "family_name"], name="service_user_team_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("person", kwargs={"public_id": self.public_id})

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    @property
    def care_coordinator(self) -> User | None:
        """The care coordinator today. Lists prefetch it with `with_care_coordinator`."""
        found = getattr(self, COORDINATOR_PREFETCH, None)
        if found is None:
            found = list(
                CareRelationship.objects.in_force()
                .filter(person=self, kind=CareRelationshipKind.CARE_COORDINATOR)
                .select_related("staff")
            )
            setattr(self, COORDINATOR_PREFETCH, found)
        return found[0].staff if found else None


COORDINATOR_PREFETCH = "coordinator_relationships_today"
COORDINATOR_ID_TODAY = "care_coordinator_id_today"


def coordinator_id_today() -> models.Subquery:
    """The id of each person's care coordinator today, to annotate a queryset of people."""
    return models.Subquery(
        CareRelationship.objects.in_force()
        .filter(person=models.OuterRef("pk"), kind=CareRelationshipKind.CARE_COORDINATOR)
        .values("staff_id")[:1]
    )


def with_care_coordinator(people: models.QuerySet[ServiceUser]) -> models.QuerySet[ServiceUser]:
    """Read each person's care coordinator today in one extra query for the whole list."""
    return people.prefetch_related(
        models.Prefetch(
            "care_relationships",
            queryset=CareRelationship.objects.in_force()
            .filter(kind=CareRelationshipKind.CARE_COORDINATOR)
            .select_related("staff"),
            to_attr=COORDINATOR_PREFETCH,
        )
    )


class CareRelationship(models.Model):
    """Who works with a person: their care coordinator, peer support worker or another named
    worker, from one date to another. The one source of "who may see this person's record"."""

    person = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="care_relationships"
    )
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="care_relationships")
    kind = models.CharField(max_length=32, choices=CareRelationshipKind.choices)
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day the relationship no longer applies."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(kind="care_coordinator", ended_on__isnull=True),
                name="care_relationship_one_open_coordinator",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CareRelationshipKind.values),
                name="care_relationship_kind_valid",
            ),
            *_dated_constraints("care_relationship"),
        ]
        indexes = [
            models.Index(fields=["staff", "kind", "person"], name="care_relationship_staff_idx")
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_kind_display()} of {self.person_id} from {self.started_on}"


class TeamEpisode(models.Model):
    """A period a person spent in one team's care; `ServiceUser.team` is the open one."""

    person = models.ForeignKey(ServiceUser, on_delete=models.CASCADE, related_name="team_episodes")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day the person was no longer in this team."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_on__isnull=True),
                name="team_episode_one_open",
            ),
            *_dated_constraints("team_episode"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team} from {self.started_on}"


class AccessEvent(models.Model):
    """One read or change of a service user's record, or one change to a staff member's access
    (a role granted, changed or ended): who, what, when and from where.

    Mental health records need reads audited as well as writes, and a role is what opens them.
    Rows are only ever added.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_events",
        null=True,
        blank=True,
    )
    actor_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who acted where nobody was signed in, e.g. the person through their own link.",
    )
    service_user = models.ForeignKey(
        ServiceUser,
        on_delete=models.PROTECT,
        related_name="access_events",
        null=True,
        blank=True,
        help_text="The person whose record was read or changed.",
    )
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_grant_events",
        null=True,
        blank=True,
        help_text="The staff member whose access was granted, changed or ended.",
    )
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    resource = models.CharField(
        max_length=100, help_text="What was read or changed, e.g. 'summary', 'recovery plan'."
    )
    via = models.CharField(
        max_length=200, help_text="The page or API endpoint by URL name, or the task by name."
    )
    path = models.CharField(max_length=500, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    by_system = models.BooleanField(
        default=False, help_text="Work the system did on its own (a scheduled task, seeding)."
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["service_user", "-occurred_at"], name="access_event_person_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(actor_description=""),
                name="access_event_names_who_acted",
            ),
            models.CheckConstraint(
                condition=models.Q(by_system=False) | models.Q(actor__isnull=True),
                name="access_event_system_names_no_user",
            ),
            # About exactly one thing: a person's record, or a staff member's access.
            models.CheckConstraint(
                condition=(
                    models.Q(service_user__isnull=False, staff_member__isnull=True)
                    | models.Q(service_user__isnull=True, staff_member__isnull=False)
                ),
                name="access_event_about_a_record_or_an_access",
            ),
        ]

    def __str__(self) -> str:
        about = self.service_user_id or f"staff {self.staff_member_id}"
        return f"{self.who} {self.action} {self.resource} of {about} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        """The signed-in actor, or the description of who acted without signing in."""
        if self.by_system:
            return f"{self.actor_description} ({self.via})" if self.via else self.actor_description
        return str(self.actor) if self.actor_id else self.actor_description
