"""cProfile summary of one page, in-process, on the data bench/pages.py built. Run by hand.

    DATABASE_URL=postgres:///rc_bench_pages .venv/bin/python bench/profile_page.py \\
        /people/00000000-0000-4004-8000-000000000001/plan/ --user 2 --repeat 50

`--repo DIR` profiles another checkout of the project (e.g. a worktree of the commit before a
change) on the same database. Prints the top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("path")
parser.add_argument("--user", type=int, required=True, help="the user id to sign in as")
parser.add_argument("--repeat", type=int, default=50)
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
args = parser.parse_args()

sys.path.insert(0, args.repo)
os.chdir(args.repo)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from directory.models import User  # noqa: E402
from recovery_site.two_factor import SECOND_FACTOR_SESSION_KEY  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]
settings.DEBUG = False
client = Client()
client.force_login(User.objects.get(pk=args.user))
session = client.session
session[SECOND_FACTOR_SESSION_KEY] = "benchmark sign-in"  # as after the authenticator code
session.save()
assert client.get(args.path).status_code == 200, "the page must answer 200 to this user"
profile = cProfile.Profile()
profile.enable()
for _ in range(args.repeat):
    client.get(args.path)
profile.disable()
stats = pstats.Stats(profile)
total = stats.total_tt  # type: ignore[attr-defined]
print(f"{args.path}: {total / args.repeat * 1000:.1f} ms a request in-process ({args.repeat} runs)")
stats.sort_stats("cumulative").print_stats(args.top)
stats.sort_stats("tottime").print_stats(args.top)
