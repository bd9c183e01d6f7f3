"""A change a team made to how it works, recorded so its XmR charts start new limits there."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from common.fields import NameField
from directory.models import Team


class TeamProcessChange(models.Model):
    """From `month` on, the team's charts are judged against new limits ("rebasing", as Making
    Data Count recommends only at a recorded change to the process)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="process_changes")
    month = models.DateField(help_text="The first day of the first month after the change.")
    note = NameField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "month"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="team_process_change_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} from {self.month:%Y-%m}: {self.note}"
