"""The move from four score columns to one row per domain keeps every sent score, with the
distance travelled worked out in the order the check-ins were answered."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ServiceUserFactory, TeamFactory, TrustFactory

BEFORE = [("surveys", "0004_scores_schema")]
BACKFILLED = [("surveys", "0005_backfill_scores")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_backfill_copies_sent_scores_with_change_in_answer_order():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = _migrate(BEFORE)
        trust = TrustFactory.create()
        team = TeamFactory.create(trust=trust)
        person = ServiceUserFactory.create(team=team)
        Instrument = apps.get_model("surveys", "Instrument")
        Response = apps.get_model("surveys", "Response")
        instrument = Instrument.objects.get(key="hope-control-opportunity", version=1)

        def response(day, hope, control, status="submitted"):
            return Response.objects.create(
                instrument=instrument,
                service_user_id=person.pk,
                team_id=team.pk,
                channel="signed_in",
                status=status,
                idempotency_key=uuid.uuid4(),
                submitted_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
                completed_on=day,
                period=day.replace(day=1),
                hope_score=hope,
                control_score=control,
            )

        # Stored out of order: the migration orders by the day answered, not the row id.
        later = response(datetime.date(2026, 3, 9), Decimal("3.50"), Decimal("4.00"))
        first = response(datetime.date(2026, 1, 9), Decimal("2.00"), None)
        response(datetime.date(2026, 2, 9), None, None, status="draft")

        apps = _migrate(BACKFILLED)
        ResponseScore = apps.get_model("surveys", "ResponseScore")
        rows = list(
            ResponseScore.objects.order_by("period", "domain").values_list(
                "response_id",
                "trust_id",
                "team_id",
                "period",
                "instrument_key",
                "domain",
                "score",
                "change",
                "sent",
            )
        )
        key = "hope-control-opportunity"
        assert rows == [
            (first.pk, trust.pk, team.pk, datetime.date(2026, 1, 1), key, "hope",
             Decimal("2.00"), None, True),
            # Control's first score is in March: no change there.
            (later.pk, trust.pk, team.pk, datetime.date(2026, 3, 1), key, "control",
             Decimal("4.00"), None, True),
            (later.pk, trust.pk, team.pk, datetime.date(2026, 3, 1), key, "hope",
             Decimal("3.50"), Decimal("1.50"), True),
        ]  # fmt: skip
        ScoringRule = apps.get_model("surveys", "ScoringRule")
        assert set(
            ScoringRule.objects.filter(instrument__version=1).values_list("domain", "label")
        ) == {("hope", "Hope"), ("control", "Control"), ("opportunity", "Opportunity")}
    finally:
        _migrate(leaves)
