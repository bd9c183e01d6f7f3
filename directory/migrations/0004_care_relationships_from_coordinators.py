"""Carry today's facts into the dated tables, so nothing anyone may see changes on the day.

Each person's care coordinator becomes an open care-coordinator relationship, and their team an
open team episode, both from the day the person was added. Memberships and trust role grants
start on the day the member of staff joined, and each grant names the trust its holder is in
(a grant for a login in no trust granted nothing, and is removed).
"""

from django.db import migrations

BATCH = 2000  # rows per insert or update: a few hundred kilobytes of parameters


def _day(moment):
    return moment.date()


def forwards(apps, schema_editor):
    ServiceUser = apps.get_model("directory", "ServiceUser")
    CareRelationship = apps.get_model("directory", "CareRelationship")
    TeamEpisode = apps.get_model("directory", "TeamEpisode")
    Membership = apps.get_model("directory", "Membership")
    TrustRoleGrant = apps.get_model("directory", "TrustRoleGrant")

    relationships, episodes = [], []
    people = ServiceUser.objects.values_list("pk", "team_id", "care_coordinator_id", "created_at")
    for pk, team_id, coordinator_id, created_at in people.iterator(chunk_size=BATCH):
        episodes.append(TeamEpisode(person_id=pk, team_id=team_id, started_on=_day(created_at)))
        if coordinator_id is not None:
            relationships.append(
                CareRelationship(
                    person_id=pk,
                    staff_id=coordinator_id,
                    kind="care_coordinator",
                    started_on=_day(created_at),
                )
            )
    TeamEpisode.objects.bulk_create(episodes, batch_size=BATCH)
    CareRelationship.objects.bulk_create(relationships, batch_size=BATCH)

    memberships = list(Membership.objects.select_related("user"))
    for membership in memberships:
        membership.started_on = _day(membership.user.date_joined)
    Membership.objects.bulk_update(memberships, ["started_on"], batch_size=BATCH)

    TrustRoleGrant.objects.filter(user__trust__isnull=True).delete()
    grants = list(TrustRoleGrant.objects.select_related("user"))
    for grant in grants:
        grant.trust_id = grant.user.trust_id
        grant.started_on = _day(grant.user.date_joined)
    TrustRoleGrant.objects.bulk_update(grants, ["trust", "started_on"], batch_size=BATCH)


def backwards(apps, schema_editor):
    ServiceUser = apps.get_model("directory", "ServiceUser")
    CareRelationship = apps.get_model("directory", "CareRelationship")
    open_coordinators = CareRelationship.objects.filter(
        kind="care_coordinator", ended_on__isnull=True
    ).values_list("person_id", "staff_id")
    for person_id, staff_id in open_coordinators:
        ServiceUser.objects.filter(pk=person_id).update(care_coordinator_id=staff_id)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_care_relationships_and_dated_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
