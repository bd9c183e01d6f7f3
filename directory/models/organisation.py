"""Trusts, their teams, the people who sign in, and the roles they hold."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from common.dates import trust_today
from common.fields import NameField

from ..choices import TeamKind, TeamRole, TrustRole
from .dated import DatedQuerySet, _dated_constraints


class Trust(models.Model):
    """An NHS trust: the boundary no record crosses."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(max_length=200, unique=True)
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
    name = NameField(max_length=200)
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
        return reverse("team", kwargs={"public_id": self.public_id})


class User(AbstractUser):
    """Anyone who signs in: staff of a trust, or a service user with a linked login."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    identity_subject = models.CharField(
        "identity provider subject",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text=(
            "The stable identifier the trust's identity provider gives this member of staff (the "
            "claim named by OIDC_MATCH_CLAIM: 'sub', or e.g. Entra ID's 'oid'). Single sign-on "
            "matches on this alone, never on a name or email address. Set with "
            "`manage.py link_staff_identity`."
        ),
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
