"""Find employers for a job seeker from Python (ips-jobdev tutorial "Find employers...").

Run it on a database holding the demo county:

    ips-jobdev --db demo.sqlite3 demo --today 2026-11-24
    python find_employers.py sqlite:///demo.sqlite3
"""

from __future__ import annotations

import datetime as dt
import sys

import ips_jobdev as jobdev
from ips_jobdev.matching import rank_employers


def main(url: str) -> int:
    with jobdev.open_store(url) as uow:
        result = rank_employers(
            uow,
            "J-1001",
            limit=3,
            weights={"distance": 3.0},  # this run only: closeness counts a little more
            as_of=dt.date(2026, 11, 24),
        )
        for note in result.notes:
            print(f"note: {note}")
        for match in result.matches:
            print(f"{match.score:.2f}  {match.employer_name}")
            for part in match.parts:
                if part.weight:
                    shown = "unknown" if part.score is None else f"{part.score:.2f}"
                    print(f"      {part.name:<13}{shown:>8}  {part.reason}")
        removed = {name: n for name, n in result.filtered.items() if n}
        print(f"left out by hard filters: {removed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///demo.sqlite3"))
