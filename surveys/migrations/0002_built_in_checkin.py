"""The product's own check-in, written for recovery-care (no published questionnaire's wording).

Twelve plain-English statements, four each for hope, control and opportunity, answered on a
five-point agreement scale. Each domain scores as the mean of its answered statements, counted
when at least two of the four are answered. Statement 4 is reverse-scored.
"""

from django.db import migrations

AGREE = [
    {"value": 1, "label": "Strongly disagree"},
    {"value": 2, "label": "Disagree"},
    {"value": 3, "label": "Not sure"},
    {"value": 4, "label": "Agree"},
    {"value": 5, "label": "Strongly agree"},
]

STATEMENTS = [
    (1, "hope", "I feel hopeful about my future.", False),
    (2, "hope", "I have things to look forward to.", False),
    (3, "hope", "I believe my life can get better.", False),
    (4, "hope", "Most days I feel stuck, as if nothing will change.", True),
    (5, "control", "I can make choices about my own life.", False),
    (6, "control", "I have a say in my care and support.", False),
    (7, "control", "I know what to do when things get hard.", False),
    (8, "control", "I can cope with what each day brings.", False),
    (9, "opportunity", "I spend time doing things that matter to me.", False),
    (10, "opportunity", "I have people I can spend time with.", False),
    (11, "opportunity", "I can take part in my community if I want to.", False),
    (12, "opportunity", "I get chances to learn or try new things.", False),
]

INTRODUCTION = (
    "This check-in asks how much hope, control and opportunity you feel in your life. "
    "Think about the last 2 weeks. For each statement, choose how much you agree. "
    "There are no right or wrong answers, and you can skip any statement."
)


def add_check_in(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Item = apps.get_model("surveys", "Item")
    ScoringRule = apps.get_model("surveys", "ScoringRule")
    instrument, created = Instrument.objects.get_or_create(
        key="hope-control-opportunity",
        version=1,
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
        Item(
            instrument=instrument,
            number=number,
            text=text,
            hint="",
            domain=domain,
            scale=AGREE,
            reverse_scored=reverse,
        )
        for number, domain, text, reverse in STATEMENTS
    )
    ScoringRule.objects.bulk_create(
        ScoringRule(instrument=instrument, domain=domain, method="mean", min_answered=2)
        for domain in ("hope", "control", "opportunity")
    )


def remove_check_in(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Response = apps.get_model("surveys", "Response")
    instrument = Instrument.objects.filter(key="hope-control-opportunity", version=1).first()
    if instrument is not None and not Response.objects.filter(instrument=instrument).exists():
        instrument.items.all().delete()
        instrument.scoring_rules.all().delete()
        instrument.delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(add_check_in, remove_check_in)]
