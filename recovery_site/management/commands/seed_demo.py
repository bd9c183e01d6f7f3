"""Fill an empty database with fictional demo data for every app; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from careplans.demo import seed_careplans
from directory.demo import DEMO_PASSWORD, DEMO_PERSONAS, seed_directory
from peersupport.demo import seed_peersupport
from surveys.demo import seed_surveys


class Command(BaseCommand):
    help = "Create (or top up) the fictional demo trusts, teams, staff and service users."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = seed_directory()
        seed_surveys(directory)
        seed_careplans(directory)
        seed_peersupport(directory)
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Every person in it is fictional.")
        )
        self.stdout.write("")
        self.stdout.write(
            f"Demo sign-ins (development only), all with the password: {DEMO_PASSWORD}"
        )
        width = max(len(username) for username, _, _ in DEMO_PERSONAS)
        for username, role, _ in DEMO_PERSONAS:
            self.stdout.write(f"  {username.ljust(width)}  {role}")
