"""Fill an empty database with fictional demo data for every app; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from careplans.demo import seed_careplans
from directory.demo import DEMO_PASSWORD, DEMO_PERSONAS, seed_directory
from directory.models import User
from networks.demo import seed_networks
from peersupport.demo import seed_peersupport
from recovery_site.two_factor import demo_authenticator_secret, seed_demo_authenticators
from surveys.demo import seed_surveys


class Command(BaseCommand):
    help = "Create (or top up) the fictional demo trusts, teams, staff and service users."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = seed_directory()
        seed_surveys(directory)
        seed_careplans(directory)
        seed_peersupport(directory)
        partner_logins = seed_networks(directory)
        # Partner contacts sign in by password too, so they meet the same second factor.
        usernames = [u for u, _, _ in DEMO_PERSONAS] + [u for u, _ in partner_logins]
        seed_demo_authenticators(list(User.objects.filter(username__in=usernames)))
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Every person in it is fictional.")
        )
        self.stdout.write("")
        self.stdout.write(
            f"Demo sign-ins (development only), all with the password: {DEMO_PASSWORD}"
        )
        width = max(len(u) for u in [p[0] for p in DEMO_PERSONAS] + [p[0] for p in partner_logins])
        for username, role, _ in DEMO_PERSONAS:
            self.stdout.write(f"  {username.ljust(width)}  {role}")
        for username, role in partner_logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}")
        self.stdout.write("")
        self.stdout.write(
            "Staff and partner contacts then enter a code from an authenticator app set up with "
            f"the demo key (demo only; real users set up their own): {demo_authenticator_secret()}"
        )
