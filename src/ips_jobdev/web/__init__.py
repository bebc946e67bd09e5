"""The web app: ``ips-jobdev serve`` (Starlette, Jinja2 templates, uvicorn).

Pages for employment specialists (Today, Week, Employers, Job seekers, Reports, Log a
visit, Import), the calendar subscription feed, and an offline queue for logging visits
with no signal. The pages call the same use cases as the command line; nothing here holds
SQL or a rule of the practice. Needs the ``web`` extra: ``pip install "ips-jobdev[web]"``.

>>> from ips_jobdev.web import LocalTokenAuth, create_app          # doctest: +SKIP
>>> auth = LocalTokenAuth(specialist="av")                          # doctest: +SKIP
>>> app = create_app("sqlite:///county.sqlite3", auth=auth)         # doctest: +SKIP
"""

from ips_jobdev.web.app import LOOPBACK_HOSTS, AppInfo, create_app
from ips_jobdev.web.auth import Authenticator, LocalTokenAuth, Principal, Session, SessionStore

__all__ = [
    "LOOPBACK_HOSTS",
    "AppInfo",
    "Authenticator",
    "LocalTokenAuth",
    "Principal",
    "Session",
    "SessionStore",
    "create_app",
]
