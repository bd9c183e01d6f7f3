import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from .choices import AccessAction, TeamKind, TeamRole, TrustRole
from .nhs_number import format_nhs_number, normalise_nhs_number, validate_nhs_number


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


class Membership(models.Model):
    """A person's role in one team: care coordinator, team leader or peer support worker."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=TeamRole.choices)

    class Meta:
        ordering = ["team__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=TeamRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.team})"


class TrustRoleGrant(models.Model):
    """A trust-wide role: QA manager, HR, network coordinator or administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trust_roles")
    role = models.CharField(max_length=32, choices=TrustRole.choices)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="trust_role_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=TrustRole.values), name="trust_role_valid"
            ),
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
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="service_users")
    care_coordinator = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload"
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
            models.Index(
                fields=["care_coordinator", "family_name"], name="service_user_caseload_idx"
            ),
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


class AccessEvent(models.Model):
    """One read or change of a service user's record: who, what, when and from where.

    Mental health records need reads audited as well as writes. Rows are only ever added.
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
        ServiceUser, on_delete=models.PROTECT, related_name="access_events"
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
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.action} {self.resource} of {self.service_user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        """The signed-in actor, or the description of who acted without signing in."""
        if self.by_system:
            return f"{self.actor_description} ({self.via})" if self.via else self.actor_description
        return str(self.actor) if self.actor_id else self.actor_description
