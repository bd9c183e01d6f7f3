"""Service users, who works with them, and the teams they have been in."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from common.dates import trust_today
from common.fields import NameField
from common.validators import validate_date_of_birth

from ..choices import CareRelationshipKind
from ..nhs_number import format_nhs_number, normalise_nhs_number, validate_nhs_number
from .dated import DatedQuerySet, _dated_constraints
from .organisation import Team, Trust, User


class ServiceUser(models.Model):
    """A person using the trust's services: whose plan, check-ins and referrals these are."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="service_users")
    nhs_number = models.CharField("NHS number", max_length=10, validators=[validate_nhs_number])
    given_name = NameField("First name", max_length=100)
    family_name = NameField("Last name", max_length=100)
    preferred_name = NameField(
        max_length=100, blank=True, help_text="What the person likes to be called, if different."
    )
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
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


def coordinator_id_today(person: str = "pk") -> models.Subquery:
    """The id of each person's care coordinator today, to annotate a queryset of people (or of
    rows that name a person: `person` is then that column, e.g. "service_user_id")."""
    return models.Subquery(
        CareRelationship.objects.in_force()
        .filter(person=models.OuterRef(person), kind=CareRelationshipKind.CARE_COORDINATOR)
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
