"""Import an employer list from a script: check it with a dry run, then import it.

Run: python import_employers.py sqlite:///county.sqlite3 employers.csv
"""

from __future__ import annotations

import sys

import ips_jobdev as jobdev


def main(database_url: str, csv_path: str) -> int:
    """Print what the import would do; import only when no row is rejected."""
    with jobdev.open_store(database_url) as uow:
        preview = jobdev.import_employers(uow, csv_path, dry_run=True)
        print("Dry run:", preview.summary())
        for rejection in preview.rejections:
            print(f"  line {rejection.line}, {rejection.field}: {rejection.reason}")
        if not preview.ok:
            return 1
        report = jobdev.import_employers(uow, csv_path, on_duplicate="update")
        print("Imported:", report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
