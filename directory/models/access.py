"""The access audit: every read or change of a person's record, and every change of access."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import AccessAction
from .people import ServiceUser


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
