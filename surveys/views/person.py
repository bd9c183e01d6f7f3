"""Finding the person a staff page is about, under the check-in rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest

from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser

from ..permissions import get_person_for_checkins


class PersonMixin(LoginRequiredMixin, AuditedRequestMixin):
    """Finds the person in the URL under the check-in rules (403 for a role, 404 for a person)."""

    request: HttpRequest

    def person(self, public_id: Any) -> ServiceUser:
        return get_person_for_checkins(self.request.user, public_id)
