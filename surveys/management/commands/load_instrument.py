"""Load a questionnaire (instrument) from a JSON or YAML file, after checking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.instrument_files import InstrumentFileError, check_instrument, read_instrument_file
from surveys.instrument_files.problems import bounded
from surveys.services import instrument_load, instrument_load_refusal


class Command(BaseCommand):
    help = (
        "Check an instrument file (.json, .yaml or .yml) and load it as (key, version). "
        "A version that already has responses is never changed: give the file a new version. "
        "With --check, the file is checked as the load would check it, and nothing is loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The instrument file.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the file; load nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {bounded([str(path)])[0]}.")
        name = bounded([path.name])[0]  # escaped, and cut short if very long
        try:
            checked = check_instrument(read_instrument_file(path))
            refusal = instrument_load_refusal(checked=checked)
            if refusal is not None:
                raise InstrumentFileError([refusal])
        except InstrumentFileError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(f"{name} has problems, so nothing was loaded:\n{lines}") from None
        summary = (
            f"'{checked.title}' ({checked.key}, version {checked.version}): "
            f"{len(checked.items)} items, scored for "
            + ", ".join(rule.domain for rule in checked.rules)
        )
        if options["check"]:
            self.stdout.write(self.style.SUCCESS(f"{name} is fine: {summary}."))
            return
        try:
            _, created = instrument_load(checked=checked)
        except ValidationError as exc:  # loaded by someone else since the check above
            raise CommandError(" ".join(bounded(exc.messages))) from None
        verb = "Loaded" if created else "Replaced (no responses yet)"
        self.stdout.write(self.style.SUCCESS(f"{verb} {summary}."))
