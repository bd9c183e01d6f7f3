"""Version 2 of the built-in check-in: the twelve statements of version 1 and a short second
part on how much the person's team has helped, in recovery-care's own words.

Version 1 has responses and stays as it is: those responses keep meaning what they meant.
The first part's domains describe how the person is doing (wellbeing, compared as distance
travelled); the second part's describe the team's help (service, compared as levels).
"""

import importlib

from django.db import migrations

first = importlib.import_module("surveys.migrations.0002_built_in_checkin")

KEY = "hope-control-opportunity"

TEAM_PART = [
    (13, "helped_hope", "My team has helped me feel more hopeful about my future."),
    (14, "helped_control", "My team has helped me feel more in control of my life and my care."),
    (
        15,
        "helped_opportunity",
        "My team has helped me take up chances that matter to me, such as work, learning, "
        "friends or things I enjoy.",
    ),
    (16, "helped_life", "My team has helped me with my life overall."),
]

LABELS = {
    "hope": "Hope",
    "control": "Control",
    "opportunity": "Opportunity",
    "helped_hope": "Helped with hope",
    "helped_control": "Helped with control",
    "helped_opportunity": "Helped with opportunity",
    "helped_life": "Helped with life overall",
}

INTRODUCTION = (
    "This check-in asks how much hope, control and opportunity you feel in your life, and then "
    "how much your team has helped. Think about the last 2 weeks. For each statement, choose how "
    "much you agree. There are no right or wrong answers, and you can skip any statement."
)


def add_version_2(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Item = apps.get_model("surveys", "Item")
    ScoringRule = apps.get_model("surveys", "ScoringRule")
    instrument, created = Instrument.objects.get_or_create(
        key=KEY,
        version=2,
        defaults={
            "title": "Hope, control and opportunity check-in",
            "introduction": INTRODUCTION,
            "licence_note": "Written for recovery-care and shared under the project's own licence.",
            "active": True,
        },
    )
    if not created:
        return
    Item.objects.bulk_create(
        [
            Item(
                instrument=instrument,
                number=number,
                text=text,
                hint="",
                domain=domain,
                scale=first.AGREE,
                reverse_scored=reverse,
            )
            for number, domain, text, reverse in first.STATEMENTS
        ]
        + [
            Item(
                instrument=instrument,
                number=number,
                text=text,
                hint="Think about the help you have had from your team since you joined it.",
                domain=domain,
                scale=first.AGREE,
                reverse_scored=False,
            )
            for number, domain, text in TEAM_PART
        ]
    )
    ScoringRule.objects.bulk_create(
        [
            ScoringRule(
                instrument=instrument,
                domain=domain,
                label=LABELS[domain],
                kind="wellbeing",
                higher_is_better=True,
                method="mean",
                min_answered=2,
            )
            for domain in ("hope", "control", "opportunity")
        ]
        + [
            ScoringRule(
                instrument=instrument,
                domain=domain,
                label=LABELS[domain],
                kind="service",
                higher_is_better=True,
                method="mean",
                min_answered=1,
            )
            for _, domain, _ in TEAM_PART
        ]
    )


def remove_version_2(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Response = apps.get_model("surveys", "Response")
    instrument = Instrument.objects.filter(key=KEY, version=2).first()
    if instrument is not None and not Response.objects.filter(instrument=instrument).exists():
        instrument.items.all().delete()
        instrument.scoring_rules.all().delete()
        instrument.delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_remove_score_columns")]

    operations = [migrations.RunPython(add_version_2, remove_version_2)]
