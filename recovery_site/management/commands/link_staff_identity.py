"""Link a member of staff's login to their identity at the trust's identity provider, by the
stable claim single sign-on matches on (OIDC_MATCH_CLAIM: `sub`, or e.g. Entra ID's `oid`).

Run by whoever deploys the service, not in the admin site: an administrator who could set a
colleague's subject to their own would sign in as that colleague."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from directory.models import ServiceUser, User


class Command(BaseCommand):
    help = "Set (or with --clear, remove) the identity provider subject of a staff login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("subject", nargs="?", default="")
        parser.add_argument("--clear", action="store_true")

    def handle(self, *args: Any, username: str, subject: str, clear: bool, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if ServiceUser.objects.filter(user=user).exists():
            raise CommandError("Service users do not sign in through the identity provider.")
        subject = subject.strip()
        if not clear and not subject:
            raise CommandError("Give the subject, or --clear to remove it.")
        user.identity_subject = None if clear else subject
        try:
            with transaction.atomic():
                user.save(update_fields=["identity_subject"])
        except IntegrityError as error:
            raise CommandError("Another login already has that subject.") from error
        self.stdout.write(f"{username}: {'unlinked' if clear else 'linked to ' + subject}.")
