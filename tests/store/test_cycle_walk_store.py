"""The employer history of tests/unit/test_cycles_walk.py, stored and read back from the
database (SQLite and PostgreSQL), walked through the default cycle day by day: the states
``due`` and the planner derive from the store are the hand-worked ones."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import ips_jobdev as jobdev
from ips_jobdev.cycles import DEFAULT_POLICY
from ips_jobdev.cycles._due import relationship_states

WALK = Path(__file__).resolve().parents[1] / "unit" / "test_cycles_walk.py"


def _walk() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cycles_walk_table", WALK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stored_bakery_walks_through_the_default_cycle_day_by_day(
    db: jobdev.Database,
) -> None:
    walk = _walk()
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe"))
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.flush()
        for contact in walk.HISTORY:
            uow.visits.add(
                jobdev.Visit(
                    employer_id=bakery.id,  # type: ignore[arg-type]
                    specialist_id=jd.id,  # type: ignore[arg-type]
                    at=contact.at,
                    purpose=contact.purpose,
                    mode="in-person" if contact.face_to_face else "phone",
                    status=contact.status,
                )
            )
        uow.commit()
        for day in range(-1, 241):
            on = walk.DAY0 + dt.timedelta(days=day)
            state = relationship_states(
                uow,
                [bakery.id],
                on=on,
                zone="America/Chicago",
                policy=DEFAULT_POLICY,  # type: ignore[list-item]
            )[bakery.id]  # type: ignore[index]
            stage, next_stage, due_day, status = walk._expected(day)
            assert (state.stage, state.next_stage, state.status) == (stage, next_stage, status), day
            expected_due = walk.DAY0 + dt.timedelta(days=due_day) if due_day is not None else None
            assert state.due == expected_due, day
        # the visit planned on day 25 shows as planned until that day
        before = relationship_states(
            uow,
            [bakery.id],
            on=walk.DAY0 + dt.timedelta(days=20),
            zone="America/Chicago",  # type: ignore[list-item]
            policy=DEFAULT_POLICY,
        )[bakery.id]  # type: ignore[index]
        assert before.planned == walk.DAY0 + dt.timedelta(days=25)
