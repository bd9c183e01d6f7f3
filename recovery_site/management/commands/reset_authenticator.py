"""Clear a member of staff's authenticator app and recovery codes (a lost or replaced phone):
at their next password sign-in they set up a new one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import User


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes, so they set up new ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        self.stdout.write(f"Removed {removed} authenticator records for {username}.")
