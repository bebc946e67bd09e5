"""Plan a specialist's week and save it (ips-jobdev tutorial "Plan your week").

Run it on a database holding the demo county:

    ips-jobdev --db demo.sqlite3 demo --today 2026-11-24
    python plan_week.py sqlite:///demo.sqlite3
"""

from __future__ import annotations

import datetime as dt
import sys

import ips_jobdev as jobdev


def main(url: str) -> int:
    with jobdev.open_store(url) as uow:
        plan = jobdev.plan_week(uow, "av", "2026-W49", today=dt.date(2026, 11, 24))
        for day in plan.days:
            for visit in day.visits:
                print(f"{visit.start:%a %H:%M}  {visit.employer_name}: {visit.reason}")
                for warning in visit.warnings:
                    print(f"            ! {warning}")
        print(f"{plan.face_to_face_total} face-to-face visits, target {plan.target}")
        saved = jobdev.save_plan(uow, plan)
        uow.commit()
        print(f"saved {len(saved)} planned visits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///demo.sqlite3"))
