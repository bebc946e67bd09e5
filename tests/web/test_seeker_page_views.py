"""The web app records what it shows, on SQLite and PostgreSQL: one ``view`` per job
seeker's page shown, from the request's address; the caseload, today and week pages (which
load the caseload) write no row per person."""

from __future__ import annotations

from records import NOW
from starlette.testclient import TestClient

import ips_jobdev as jobdev
from ips_jobdev.web import LocalTokenAuth, create_app

Small = tuple[jobdev.Database, dict[str, int]]
BASE = "http://localhost"


def _views(database: jobdev.Database) -> list[jobdev.AuditEvent]:
    with database.unit_of_work() as uow:
        return [e for e in jobdev.audit_trail(uow).events if e.action == "view"]


def test_one_view_per_seeker_page_and_none_for_lists(small: Small) -> None:
    database, _ = small
    auth = LocalTokenAuth(specialist="ab")
    app = create_app(database, auth=auth, clock=lambda: NOW)
    with TestClient(app, base_url=BASE) as client:  # type: ignore[arg-type]
        assert client.get(auth.sign_in_url(BASE), follow_redirects=False).status_code == 303
        for path in ("/seekers", "/today", "/week"):
            assert client.get(path).status_code == 200, path
        assert _views(database) == []
        for _ in range(2):
            page = client.get("/seekers/J-1")
            assert page.status_code == 200
            assert "J-1" in page.text
    views = _views(database)
    assert len(views) == 2, "exactly one view per page view"
    with database.unit_of_work() as uow:
        j1 = uow.seekers.by_code("J-1").id
    assert {(e.kind, e.record_id) for e in views} == {("job-seeker", j1)}
    assert all(e.origin is not None and e.origin.startswith("web ") for e in views)
