"""League rollups: the figures, the periods, caseloads, determinism and the incremental update."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from directory.models import TeamEpisode
from surveys import services, tasks
from surveys.choices import Measure, PeriodKind, RollupKind, RollupStatus
from surveys.models import ResponseScore, RollupPending, RollupRun, TeamPeriodScore
from surveys.services import rollups
from surveys.statistics import Rollup, mean_estimate
from tests.audit import audit_as
from tests.factories import ServiceUserFactory, TeamFactory, TrustFactory

from .factories import draft_with_answers, sent_response

JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))
OCT, NEXT_OCT = datetime.date(2021, 10, 1), datetime.date(2025, 10, 1)
EVER = datetime.date(2020, 1, 1)
SIX = Decimal("0.000001")
COLUMNS = [
    f.attname
    for f in TeamPeriodScore._meta.concrete_fields
    if f.attname not in {"id", "computed_at"}
]


def person(team, *, since=EVER):
    someone = ServiceUserFactory.create(team=team)
    TeamEpisode.objects.filter(person=someone).update(started_on=since)
    return someone


def score(someone, period, value, *, change=None, domain="hope", key="k", team=None, sent=True):
    response = sent_response(someone, on=period, scored=False)
    created = ResponseScore.objects.create(
        response=response,
        trust_id=someone.trust_id,
        team=team or someone.team,
        service_user=someone,
        period=period,
        instrument_key=key,
        domain=domain,
        score=Decimal(value),
        change=None if change is None else Decimal(change),
        sent=sent,
    )
    _gaps(someone, key)
    return created


def _gaps(someone, key):
    """The gaps sending keeps on the person's scores, worked out here for the rows the test
    wrote itself (their changes as the test gave them)."""
    rows = list(
        ResponseScore.objects.filter(service_user=someone, instrument_key=key).order_by(
            "response__completed_on", "response__submitted_at", "response_id"
        )
    )
    services.score_figures(rows, recompute_change=False)
    ResponseScore.objects.bulk_update(rows, ["gap", "trust_gap", "change_gap", "change_trust_gap"])


def table():
    return sorted(
        tuple(str(v) for v in row) for row in TeamPeriodScore.objects.values_list(*COLUMNS)
    )


def row(team, kind=PeriodKind.MONTH, start=JAN, measure=Measure.LEVEL, domain="hope", trust=None):
    rows = TeamPeriodScore.objects.filter(
        period_kind=kind, period_start=start, measure=measure, domain=domain
    )
    return rows.get(team=team) if team is not None else rows.get(team__isnull=True, trust=trust)


def recompute(trust, *, portable=None, first=JAN, last=APR, **kwargs):
    return services.rollup_recompute(
        trust_ids=[trust.pk], first_period=first, last_period=last, portable=portable, **kwargs
    )


VALUES = ["1", "2.5", "3", "4", "5", "2", "3.25", "4"]
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based statement is PostgreSQL's"
)
PATHS = [pytest.param(False, id="sql", marks=needs_postgres), pytest.param(True, id="portable")]


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_a_team_month_has_the_hand_worked_figures_and_agrees_with_the_statistics(portable):
    team = TeamFactory.create()
    people = [person(team) for _ in VALUES]
    for someone, value in zip(people, VALUES, strict=True):
        score(someone, JAN, value, change="0.5")

    recompute(team.trust, portable=portable)

    got = row(team)
    floats = [float(v) for v in VALUES]
    expected = mean_estimate(Rollup.of(floats), threshold=8)
    assert got.responses == 8 and got.people == 8
    assert got.total == Decimal("24.75")
    assert got.total_squares == sum(Decimal(v) ** 2 for v in VALUES)
    assert got.mean == Decimal("3.093750")
    assert got.suppressed is False
    assert expected.sd is not None and expected.lower is not None and expected.upper is not None
    assert abs(float(got.sd) - expected.sd) < 1e-6
    assert abs(float(got.ci_low) - expected.lower) < 1e-6
    assert abs(float(got.ci_high) - expected.upper) < 1e-6
    assert got.caseload == 8 and got.response_rate == Decimal("1.000000")
    change = row(team, measure=Measure.CHANGE)
    assert change.mean == Decimal("0.500000") and change.sd == Decimal("0.000000")
    trust_wide = row(None, trust=team.trust)
    assert [getattr(trust_wide, c) for c in ("responses", "mean", "sd", "ci_low", "caseload")] == [
        getattr(got, c) for c in ("responses", "mean", "sd", "ci_low", "caseload")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_seven_responses_are_suppressed_and_eight_are_not_and_the_threshold_is_a_setting(
    portable, settings
):
    team = TeamFactory.create()
    for value in VALUES[:7]:
        score(person(team), JAN, value)

    recompute(team.trust, portable=portable)
    seven = row(team)
    assert seven.suppressed and seven.responses == 7
    assert (seven.mean, seven.sd, seven.ci_low, seven.ci_high) == (None, None, None, None)
    assert seven.total == sum(Decimal(v) for v in VALUES[:7])

    settings.LEAGUE_SUPPRESSION_THRESHOLD = 7
    recompute(team.trust, portable=portable)
    assert not row(team).suppressed and row(team).mean is not None


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_quarter_and_rolling_rows_hold_the_months_they_cover(portable):
    team = TeamFactory.create()
    a, b = person(team), person(team)
    score(a, JAN, "1")
    score(b, FEB, "2")
    score(a, APR, "4")

    recompute(team.trust, portable=portable)

    q1 = row(team, PeriodKind.QUARTER, JAN)
    assert (q1.responses, q1.people, q1.total, q1.period_end) == (
        2,
        2,
        Decimal("3"),
        APR,
    )
    q2 = row(team, PeriodKind.QUARTER, APR)
    assert (q2.responses, q2.total) == (1, Decimal("4"))
    # The 12 months to the end of April 2026 start in May 2025 and hold all three.
    to_april = row(team, PeriodKind.ROLLING_12, datetime.date(2025, 5, 1))
    assert (to_april.responses, to_april.people, to_april.period_end) == (
        3,
        2,
        datetime.date(2026, 5, 1),
    )
    to_jan = row(team, PeriodKind.ROLLING_12, datetime.date(2025, 2, 1))
    assert to_jan.responses == 1
    assert not TeamPeriodScore.objects.filter(period_kind=PeriodKind.MONTH, period_start=MAR)


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_trust_wide_rows_take_every_team_and_count_a_person_once(portable):
    trust = TrustFactory.create()
    one, two = TeamFactory.create(trust=trust), TeamFactory.create(trust=trust)
    mover = person(one)
    score(mover, JAN, "2", team=one)
    score(mover, JAN, "4", team=two)
    score(person(two), JAN, "3")
    other_trust = TeamFactory.create()
    score(person(other_trust), JAN, "5")

    recompute(trust, portable=portable)

    wide = row(None, trust=trust)
    assert (wide.responses, wide.people, wide.total) == (3, 2, Decimal("9"))
    assert not TeamPeriodScore.objects.filter(trust=other_trust.trust)


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_someone_who_moved_team_mid_month_is_on_both_caseloads_for_that_month(portable):
    trust = TrustFactory.create()
    one, two = TeamFactory.create(trust=trust), TeamFactory.create(trust=trust)
    mover = person(two)
    TeamEpisode.objects.filter(person=mover).update(started_on=datetime.date(2026, 1, 15))
    TeamEpisode.objects.create(
        person=mover, team=one, started_on=EVER, ended_on=datetime.date(2026, 1, 15)
    )
    stayer = person(one)
    left_before = person(one)
    TeamEpisode.objects.filter(person=left_before).update(ended_on=JAN)
    person(one, since=FEB)  # joined after January
    score(stayer, JAN, "3")
    score(mover, JAN, "4")

    recompute(trust, portable=portable)

    assert row(one).caseload == 2 and row(one).response_rate == Decimal("0.500000")
    assert row(two).caseload == 1 and row(two).response_rate == Decimal("1.000000")
    assert row(None, trust=trust).caseload == 2


@needs_postgres
@pytest.mark.django_db
def test_the_sql_and_portable_paths_give_the_identical_table():
    trust = TrustFactory.create()
    teams = [TeamFactory.create(trust=trust) for _ in range(3)]
    values = ["1", "1.5", "2", "2.75", "3", "3.5", "4", "4.25", "5"]
    for i in range(40):
        someone = person(teams[i % 3])
        for j, month in enumerate((JAN, FEB, APR)):
            value = values[(i * 7 + j) % len(values)]
            score(someone, month, value, change=None if j == 0 else str(j / 4), domain="hope")
            score(
                someone, month, values[(i + j) % 9], domain="control", key="other" if i % 2 else "k"
            )

    recompute(trust, portable=False)
    by_sql = table()
    TeamPeriodScore.objects.all().delete()
    recompute(trust, portable=True)

    assert table() == by_sql
    assert len(by_sql) > 50


@pytest.mark.django_db
def test_running_twice_gives_the_identical_table_and_withdrawn_rows_go():
    team = TeamFactory.create()
    scores = [score(person(team), FEB, v) for v in VALUES]
    recompute(team.trust)
    first = table()
    recompute(team.trust)
    assert table() == first

    ResponseScore.objects.filter(pk__in=[s.pk for s in scores]).update(sent=False)
    recompute(team.trust)
    assert table() == []


@pytest.mark.django_db
def test_a_rerun_after_a_batch_failed_midway_completes_the_identical_table(monkeypatch):
    team = TeamFactory.create()
    for month in (OCT, NEXT_OCT):
        for v in VALUES:
            score(person(team), month, v)
    recompute(team.trust, first=OCT, last=NEXT_OCT)
    clean = table()
    TeamPeriodScore.objects.all().delete()

    real, calls = rollups.rollup_span, []

    def dies_in_the_second_batch(span, **kwargs):
        calls.append(span)
        real(span, **kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker lost")

    monkeypatch.setattr(rollups, "rollup_span", dies_in_the_second_batch)
    run = RollupRun.objects.create(kind=RollupKind.FULL, trust=team.trust)
    with pytest.raises(RuntimeError):
        recompute(team.trust, first=OCT, last=NEXT_OCT, run=run)
    run.refresh_from_db()
    assert (run.status, run.steps_done, run.steps_total) == (RollupStatus.FAILED, 1, 2)
    # The first batch (four years from October) stays; the second rolled back whole.
    assert TeamPeriodScore.objects.filter(period_start=OCT, period_kind=PeriodKind.MONTH)
    assert not TeamPeriodScore.objects.filter(period_start=NEXT_OCT, period_kind=PeriodKind.MONTH)

    monkeypatch.setattr(rollups, "rollup_span", real)
    recompute(team.trust, first=OCT, last=NEXT_OCT)
    assert table() == clean


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_rollups_of_one_trust_at_once_give_the_identical_table():
    team = TeamFactory.create()
    for month in (JAN, FEB, APR):
        for v in VALUES:
            score(person(team), month, v)
    recompute(team.trust)
    expected = table()
    TeamPeriodScore.objects.all().delete()

    errors = []

    def run():
        try:
            recompute(team.trust)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert table() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("portable", PATHS)
def test_a_batch_costs_the_same_few_queries_however_many_teams_and_responses(
    portable, django_assert_max_num_queries
):
    trust = TrustFactory.create()
    for _ in range(6):
        team = TeamFactory.create(trust=trust)
        for v in VALUES:
            score(person(team), JAN, v)

    # With PostgreSQL the cells (lock, settings, delete, team and trust inserts) and one batch (lock,
    # memory setting, one statement), each with its savepoint pair; portably the lock, the
    # scores, the caseloads, the delete and the insert, plus the savepoint pair.
    with django_assert_max_num_queries(12 if not portable else 8):
        recompute(trust, first=JAN, last=JAN, portable=portable)
    assert TeamPeriodScore.objects.filter(period_kind=PeriodKind.MONTH).count() == 7


# --- incremental ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_burst_of_sends_queues_one_update_and_one_pending_row_per_team_period(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # through a broker, as in production
    rollups.django_cache.delete(rollups._PENDING_GUARD_KEY)
    queued = []
    monkeypatch.setattr(tasks.rollup_pending, "apply_async", lambda **kw: queued.append(kw))
    team = TeamFactory.create()
    drafts = [draft_with_answers(person(team), {1: 4, 2: 3}) for _ in range(5)]

    # Five people send their check-ins (and one sends twice) in a burst
    for draft in [*drafts, drafts[0]]:
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(idempotency_key=draft.idempotency_key, audit=audit_as(None))

    assert queued == [{"countdown": services.ROLLUP_COALESCE_SECONDS}]
    assert list(RollupPending.objects.values_list("team_id", "instrument_key")) == [
        (team.pk, drafts[0].instrument.key)
    ]


@pytest.mark.django_db
def test_the_incremental_update_redoes_only_the_pending_team_periods():
    trust = TrustFactory.create()
    touched, untouched = TeamFactory.create(trust=trust), TeamFactory.create(trust=trust)
    for v in VALUES:
        score(person(touched), JAN, v)
        score(person(untouched), JAN, v)
    recompute(trust)
    before = row(untouched)
    score(person(touched), JAN, "5")
    score(person(untouched), JAN, "5")  # not marked: stays as it was until the nightly run
    RollupPending.objects.create(trust=trust, team=touched, period=JAN, instrument_key="k")

    assert services.rollup_pending_apply() == 1

    assert row(touched).responses == 9
    assert row(touched, PeriodKind.QUARTER).responses == 9
    assert row(touched, PeriodKind.ROLLING_12, datetime.date(2025, 2, 1)).responses == 9
    # The trust-wide row merges every team's month cells as last summed: the untouched team's
    # unmarked score waits for the nightly run there too, as its own row does.
    assert row(None, trust=trust).responses == 17
    assert row(untouched).responses == 8 and row(untouched).computed_at == before.computed_at
    assert not RollupPending.objects.exists()
    assert services.rollup_pending_apply() == 0


def test_the_nightly_rollup_is_scheduled_at_a_quarter_past_two(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["surveys-league-rollup-nightly"]
    assert entry["task"] == tasks.rollup_nightly.name
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {15}


def test_the_t_table_agrees_with_the_statistics_beyond_its_end():
    from surveys.statistics import t_quantile

    for df in (1, 2, 29, 100, 101, 150, 1000, 5000):
        assert abs(float(rollups.t_975(df)) - t_quantile(0.975, df=df)) < 1e-8


@pytest.mark.django_db
def test_run_in_process_every_send_updates_its_league_row_at_once(
    django_capture_on_commit_callbacks, settings
):
    # The embedded default: tasks run in the sending process, so nothing is left pending.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    team = TeamFactory.create()
    for someone in (person(team), person(team)):
        draft = draft_with_answers(someone, {1: 4})
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(idempotency_key=draft.idempotency_key, audit=audit_as(None))
    assert not RollupPending.objects.exists()


@pytest.mark.django_db
def test_the_nightly_run_redoes_this_month_and_last_for_every_trust(monkeypatch):
    monkeypatch.setattr(rollups, "trust_today", lambda: datetime.date(2026, 2, 14))
    one, two = TeamFactory.create(), TeamFactory.create()
    score(person(one), JAN, "2")
    score(person(two), FEB, "4")
    score(person(two), datetime.date(2025, 12, 1), "5")  # older: left to full recomputes

    assert tasks.rollup_nightly.delay().get() == 2  # one batch (January and February) per trust

    assert row(one, start=JAN).responses == 1 and row(two, start=FEB).responses == 1
    assert not TeamPeriodScore.objects.filter(
        period_kind=PeriodKind.MONTH, period_start=datetime.date(2025, 12, 1)
    )
    run = RollupRun.objects.get(kind=RollupKind.NIGHTLY)
    assert (run.status, run.steps_done, run.first_period) == (RollupStatus.DONE, 2, JAN)
    assert run.finished_at is not None
