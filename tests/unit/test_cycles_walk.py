"""A made-up employer history walked through the default contact cycle, day by day.

The default policy (shared/domain.md): learn the business within 14 days of the
introduction; follow up within 14 days after that; keep in touch every 30 days while a
job seeker is interested, otherwise every 90; no face-to-face visit for 180 days = cold.
"Due" means due within 7 days, today included.

The history of "Example Bakery" (day 0 = Monday 2 March 2026, every visit at 10:00 in
Madison, WI):

    day  0  introduce             in person, made
    day  3  learn-business        phone call        -> not face to face: advances nothing
    day 10  learn-business        in person, made
    day 18  follow-up             email             -> advances nothing
    day 25  follow-up             in person, only PLANNED -> advances nothing
    day 28  follow-up             in person, made
    day 49  present-job-seeker    in person, made   -> last stage done: keep in touch

Worked by hand (not interested: keep-in-touch every 90 days):

    days -1        new: nothing due
    days  0..7     stage 1 done, next stage 2 "learn the business" due day 14, ok
    days  8..9     same, due (14 - d < 7)
    days 10..17    stage 2 done, next stage 3 "follow up and present" due day 24, ok
    days 18..24    same, due
    days 25..27    same, overdue by d - 24 days
    days 28..48    stage 3 done, next stage 4 "keep in touch" due day 28 + 90 = 118, ok
    days 49..132   stage 4 (keep in touch), next stage 4 due day 49 + 90 = 139, ok
    days 133..139  same, due
    days 140..228  same, overdue by d - 139
    days 229..     cold (229 - 49 = 180 days without a face-to-face visit), next stage 1
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from ips_jobdev._vocab import VisitPurpose, VisitStatus
from ips_jobdev.cycles import (
    DEFAULT_POLICY,
    Contact,
    CyclePolicy,
    EmployerStatus,
    RapidSearchStatus,
    employer_state,
    rapid_search_state,
    summarize,
)

ZONE = zoneinfo.ZoneInfo("America/Chicago")
DAY0 = dt.date(2026, 3, 2)


def _at(day: int) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(10), tzinfo=ZONE)


def _d(day: int) -> dt.date:
    return DAY0 + dt.timedelta(days=day)


HISTORY = [
    Contact(_at(0), "introduce"),
    Contact(_at(3), "learn-business", face_to_face=False),
    Contact(_at(10), "learn-business"),
    Contact(_at(18), "follow-up", face_to_face=False),
    Contact(_at(25), "follow-up", status=VisitStatus.PLANNED),
    Contact(_at(28), "follow-up"),
    Contact(_at(49), "present-job-seeker"),
]


def _expected(day: int) -> tuple[int, int, int | None, EmployerStatus]:
    """(stage, next stage, due day, status) for ``day``, from the table above."""
    if day < 0:
        return 0, 1, None, EmployerStatus.NEW
    if day <= 9:
        return 1, 2, 14, EmployerStatus.OK if day <= 7 else EmployerStatus.DUE
    if day <= 27:
        status = (
            EmployerStatus.OK
            if day <= 17
            else EmployerStatus.DUE
            if day <= 24
            else EmployerStatus.OVERDUE
        )
        return 2, 3, 24, status
    if day <= 48:
        return 3, 4, 118, EmployerStatus.OK
    if day <= 228:
        status = (
            EmployerStatus.OK
            if day <= 132
            else EmployerStatus.DUE
            if day <= 139
            else EmployerStatus.OVERDUE
        )
        return 4, 4, 139, status
    return 4, 1, None, EmployerStatus.COLD


def _state_on(day: int, *, interested: bool = False):  # type: ignore[no-untyped-def]
    end_of_day = dt.datetime.combine(_d(day + 1), dt.time(), tzinfo=ZONE)
    summary = summarize(HISTORY, DEFAULT_POLICY, zone=ZONE, before=end_of_day)
    return employer_state(summary, DEFAULT_POLICY, on=_d(day), interested=interested)


@pytest.mark.parametrize("day", range(-1, 241))
def test_the_bakery_walks_through_the_default_cycle_day_by_day(day: int) -> None:
    stage, next_stage, due_day, status = _expected(day)
    state = _state_on(day)
    assert (state.stage, state.next_stage, state.status) == (stage, next_stage, status)
    assert state.due == (_d(due_day) if due_day is not None else None)
    assert state.overdue is (status is EmployerStatus.OVERDUE)
    assert state.cold is (status is EmployerStatus.COLD)
    expected_overdue = day - due_day if status is EmployerStatus.OVERDUE and due_day else 0
    assert state.days_overdue == expected_overdue


def test_next_purposes_follow_the_stages() -> None:
    assert _state_on(5).next_purpose is VisitPurpose.LEARN_BUSINESS
    assert _state_on(12).next_purpose is VisitPurpose.FOLLOW_UP
    assert _state_on(60).next_purpose is VisitPurpose.FOLLOW_UP
    assert _state_on(230).next_purpose is VisitPurpose.INTRODUCE


def test_only_face_to_face_visits_made_count_but_every_contact_is_remembered() -> None:
    # the phone call of day 3 and the email of day 18 are the last contacts on those days
    assert _state_on(3).last_contact == _d(3)
    assert _state_on(3).last_face_to_face == _d(0)
    assert _state_on(20).last_contact == _d(18)
    assert _state_on(20).last_face_to_face == _d(10)
    # the planned visit of day 25 is no contact at all
    assert _state_on(26).last_contact == _d(18)
    assert _state_on(60).counted_visits == 4


def test_reasons_say_what_is_due_and_which_stage() -> None:
    assert _state_on(5).reason == "follow-up due 16 Mar, stage 2: learn the business"
    assert _state_on(12).reason == "follow-up due 26 Mar, stage 3: follow up and present"
    assert _state_on(26).reason == (
        "follow-up due 26 Mar (2 days overdue), stage 3: follow up and present"
    )
    assert _state_on(60).reason == (
        "follow-up due 19 Jul, stage 4: keep in touch (every 90 days: no job seeker interested)"
    )
    assert _state_on(230).reason == (
        "gone cold (no face-to-face visit since 20 Apr 2026), stage 1: introduce"
    )


def test_an_interested_job_seeker_shortens_keep_in_touch_to_30_days() -> None:
    end = dt.datetime.combine(_d(61), dt.time(), tzinfo=ZONE)
    summary = summarize(HISTORY, zone=ZONE, before=end)
    state = employer_state(summary, on=_d(60), interested=["J-1042"])
    # day 49 + 30 = day 79; 2 March + 79 days = 20 May
    assert state.due == _d(79)
    assert state.reason == (
        "follow-up due 20 May, stage 4: keep in touch (every 30 days while J-1042 is interested)"
    )
    # before the last stage the interval of the stage holds, interested or not
    assert _state_on(12, interested=True).due == _d(24)


def test_a_visit_after_the_relationship_went_cold_starts_it_again() -> None:
    history = [*HISTORY, Contact(_at(250), "introduce")]
    summary = summarize(history, zone=ZONE)
    assert summary.restarted
    assert (summary.stage, summary.started, summary.counted_visits) == (1, _d(250), 1)
    state = employer_state(summary, on=_d(251))
    assert (state.next_stage, state.due) == (2, _d(264))


def test_a_repeat_introduction_does_not_move_the_stage_but_restarts_the_gap() -> None:
    history = [Contact(_at(0), "introduce"), Contact(_at(6), "introduce")]
    state = employer_state(summarize(history, zone=ZONE), on=_d(7))
    assert (state.stage, state.next_stage, state.due) == (1, 2, _d(20))


def test_a_policy_counting_every_mode_lets_the_phone_call_learn_the_business() -> None:
    policy = CyclePolicy.from_dict({**DEFAULT_POLICY.to_dict(), "face_to_face_only": False})
    end = dt.datetime.combine(_d(5), dt.time(), tzinfo=ZONE)
    state = employer_state(summarize(HISTORY, policy, zone=ZONE, before=end), policy, on=_d(4))
    # the phone call of day 3 completed stage 2: follow-up due day 3 + 14 = day 17
    assert (state.stage, state.due) == (2, _d(17))


# -- the rapid job search rule --------------------------------------------------------------

START = dt.date(2026, 11, 6)


@pytest.mark.parametrize(
    ("on", "first", "status", "left"),
    [
        (dt.date(2026, 11, 5), None, RapidSearchStatus.PENDING, 31),  # starts tomorrow
        (dt.date(2026, 11, 20), None, RapidSearchStatus.PENDING, 16),  # day 14
        (dt.date(2026, 11, 28), None, RapidSearchStatus.PENDING, 8),  # day 22
        (dt.date(2026, 11, 29), None, RapidSearchStatus.AT_RISK, 7),  # day 23
        (dt.date(2026, 11, 30), None, RapidSearchStatus.AT_RISK, 6),  # day 24
        (dt.date(2026, 12, 6), None, RapidSearchStatus.AT_RISK, 0),  # day 30: last day
        (dt.date(2026, 12, 7), None, RapidSearchStatus.MISSED, -1),  # day 31
        (dt.date(2026, 12, 7), dt.date(2026, 12, 6), RapidSearchStatus.MET, None),
        (dt.date(2026, 12, 20), dt.date(2026, 12, 7), RapidSearchStatus.MISSED, None),
        (dt.date(2026, 11, 30), dt.date(2026, 12, 2), RapidSearchStatus.AT_RISK, 6),
    ],
)
def test_rapid_job_search_is_met_at_risk_missed_or_pending(
    on: dt.date, first: dt.date | None, status: RapidSearchStatus, left: int | None
) -> None:
    state = rapid_search_state(START, first, on=on, seeker_code="J-1042")
    assert state.status is status
    assert state.days_left == left
    assert state.days_since_start == (on - START).days
    assert state.deadline == dt.date(2026, 12, 6)


def test_day_24_without_contact_reads_as_the_plan_writes_it() -> None:
    state = rapid_search_state(START, None, on=dt.date(2026, 11, 30), seeker_code="J-1042")
    assert state.reason == "first employer contact for J-1042, day 24 of 30"


def test_days_to_first_contact_is_the_figure_the_scale_averages() -> None:
    state = rapid_search_state(START, dt.date(2026, 11, 16), on=dt.date(2026, 12, 1))
    assert (state.status, state.days_to_first_contact) == (RapidSearchStatus.MET, 10)


def test_no_ips_start_means_the_clock_cannot_run() -> None:
    state = rapid_search_state(None, None, on=dt.date(2026, 12, 1), seeker_code="J-9")
    assert state.status is RapidSearchStatus.NO_START_DATE
    assert state.reason == "no IPS start date recorded for J-9"


def test_the_at_risk_threshold_comes_from_the_policy() -> None:
    policy = CyclePolicy.from_dict(
        {**DEFAULT_POLICY.to_dict(), "rapid_job_search": {"at_risk_days_left": 10}}
    )
    state = rapid_search_state(START, None, on=dt.date(2026, 11, 26), policy=policy)
    assert (state.days_left, state.status) == (10, RapidSearchStatus.AT_RISK)
