"""Name the built-in check-in's domains, and copy each sent response's four score columns into
one ResponseScore row per domain, with the distance travelled since the person's first sent
score with the same team, instrument and domain."""

from django.db import migrations

LABELS = {"hope": "Hope", "control": "Control", "opportunity": "Opportunity", "other": "Other"}


def forwards(apps, schema_editor):
    ScoringRule = apps.get_model("surveys", "ScoringRule")
    Response = apps.get_model("surveys", "Response")
    ResponseScore = apps.get_model("surveys", "ResponseScore")
    for domain, label in LABELS.items():
        ScoringRule.objects.filter(domain=domain, label="").update(label=label)
    first: dict[tuple, object] = {}
    batch = []
    rows = (
        Response.objects.filter(status="submitted")
        .order_by("service_user_id", "team_id", "completed_on", "submitted_at", "pk")
        .values_list(
            "pk",
            "service_user_id",
            "team_id",
            "team__trust_id",
            "period",
            "instrument__key",
            "hope_score",
            "control_score",
            "opportunity_score",
            "other_score",
        )
        .iterator(chunk_size=2000)
    )
    for pk, person, team, trust, period, key, *values in rows:
        for domain, score in zip(LABELS, values, strict=True):
            if score is None:
                continue
            start = first.get((person, team, key, domain))
            if start is None:
                first[(person, team, key, domain)] = score
            batch.append(
                ResponseScore(
                    response_id=pk,
                    trust_id=trust,
                    team_id=team,
                    service_user_id=person,
                    period=period,
                    instrument_key=key,
                    domain=domain,
                    score=score,
                    change=None if start is None else score - start,
                    sent=True,
                )
            )
        if len(batch) >= 2000:
            ResponseScore.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ResponseScore.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    ResponseScore = apps.get_model("surveys", "ResponseScore")
    for row in ResponseScore.objects.filter(domain__in=LABELS).values_list(
        "response_id", "domain", "score"
    ):
        Response.objects.filter(pk=row[0]).update(**{f"{row[1]}_score": row[2]})
    ResponseScore.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_scores_schema")]

    operations = [migrations.RunPython(forwards, backwards)]
