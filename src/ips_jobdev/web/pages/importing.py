"""Import: upload a CSV file, see the dry run row by row, then import it or download the
rejected rows (with a ``reason`` column, ready to fix and upload again).

The uploaded file waits in the app's private upload folder between the check and the
import, named by a random id and tied to the session that sent it.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ips_jobdev._importing import ImportReport, import_employers, import_seekers, import_visits
from ips_jobdev.errors import ValidationError
from ips_jobdev.web.forms import text
from ips_jobdev.web.pages._common import call, read_form, session
from ips_jobdev.web.render import page

__all__ = ["routes"]

KINDS = {
    "employers": ("Employers", import_employers),
    "seekers": ("Job seekers", import_seekers),
    "visits": ("Visits", import_visits),
}
DUPLICATES = {
    "reject": "Refuse them (report them as errors)",
    "skip": "Leave the saved record as it is",
    "update": "Update the saved record from the file",
}


def _render(request: Request, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("chosen_kind", "employers")
    context.setdefault("chosen_duplicate", "reject")
    return page(
        request,
        "import.html",
        section="import",
        kinds={k: v[0] for k, v in KINDS.items()},
        duplicates=DUPLICATES,
        **context,
    )


async def import_page(request: Request) -> Response:
    """The upload form."""
    return _render(request)


def _paths(request: Request, upload_id: str) -> tuple[Path, Path, Path]:
    if not upload_id or not all(c.isalnum() or c in "-_" for c in upload_id):
        raise HTTPException(404, "no such upload")
    folder: Path = request.app.state.upload_dir
    return (
        folder / f"{upload_id}.csv",
        folder / f"{upload_id}.rejects.csv",
        folder / f"{upload_id}.json",
    )


def _meta(request: Request, upload_id: str) -> dict[str, Any]:
    _, _, meta_path = _paths(request, upload_id)
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise HTTPException(404, "this upload is gone; upload the file again") from None
    if meta.get("session") != session(request).id:
        raise HTTPException(404, "this upload is gone; upload the file again")
    return meta


async def upload(request: Request) -> Response:
    """Save the uploaded file and show its dry run."""
    form = await read_form(request)
    kind = text(form, "kind")
    duplicate = text(form, "on_duplicate") or "reject"
    file = form.get("file")
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose what the file holds."
    if duplicate not in DUPLICATES:
        errors["on_duplicate"] = "Choose what to do with duplicates."
    if not isinstance(file, UploadFile) or not file.filename:
        errors["file"] = "Choose a CSV file to upload."
    if errors:
        return _render(request, errors=errors, chosen_kind=kind, chosen_duplicate=duplicate)
    assert isinstance(file, UploadFile)
    upload_id = secrets.token_urlsafe(16)
    source, rejects, meta_path = _paths(request, upload_id)
    source.write_bytes(await file.read())
    meta = {
        "session": session(request).id,
        "kind": kind,
        "on_duplicate": duplicate,
        "filename": file.filename,
    }
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    importer = KINDS[kind][1]
    try:
        report: ImportReport = await call(
            request, importer, source, dry_run=True, on_duplicate=duplicate, rejects_path=rejects
        )
    except ValidationError as exc:
        source.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        return _render(
            request,
            errors={"file": f"{file.filename} cannot be read: {exc.reason}"},
            chosen_kind=kind,
            chosen_duplicate=duplicate,
        )
    return _render(
        request, report=report, upload_id=upload_id, meta=meta, chosen_kind=kind,
        chosen_duplicate=duplicate,
    )  # fmt: skip


async def commit(request: Request) -> Response:
    """Import the checked file: every good row (the rejected ones stay out)."""
    await read_form(request)
    upload_id = str(request.path_params["upload_id"])
    meta = _meta(request, upload_id)
    source, rejects, meta_path = _paths(request, upload_id)
    importer = KINDS[meta["kind"]][1]
    report: ImportReport = await call(
        request, importer, source, partial=True, on_duplicate=meta["on_duplicate"]
    )
    source.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    rejects.unlink(missing_ok=True)
    return _render(request, done=report, meta=meta)


async def rejected_rows(request: Request) -> Response:
    """The rejected rows of a checked file, with a ``reason`` column."""
    upload_id = str(request.path_params["upload_id"])
    meta = _meta(request, upload_id)
    _, rejects, _ = _paths(request, upload_id)
    if not rejects.exists():
        raise HTTPException(404, "no row was rejected")
    stem = Path(str(meta.get("filename") or "import")).stem or "import"
    return FileResponse(
        rejects,
        media_type="text/csv; charset=utf-8",
        filename=f"{stem}-rejected.csv",
    )


routes = [
    Route("/import", import_page, methods=["GET"], name="import"),
    Route("/import", upload, methods=["POST"]),
    Route("/import/{upload_id}/commit", commit, methods=["POST"]),
    Route("/import/{upload_id}/rejected.csv", rejected_rows, methods=["GET"]),
]
