"""The multi-visit contact cycle: stages, what is due next, what is overdue or gone cold.

IPS job development builds a relationship with each employer through several short,
planned, face-to-face visits. A :class:`CyclePolicy` says which visits make up that cycle
and how long each gap may be; it is data (a TOML file), so a program can change it.
:data:`DEFAULT_POLICY` follows IPS practice: introduce, learn the business within 14 days,
follow up within 14 days after that, then keep in touch at least every 30 days while a job
seeker is interested in the employer or its job types (otherwise every 90); 180 days
without a face-to-face visit and the relationship is cold.

Nothing here is stored: :func:`summarize` folds an employer's visit history and
:func:`employer_state` turns it into the current stage, the next visit's purpose and due
date, and the overdue and cold flags. :func:`rapid_search_state` does the same for a job
seeker and the 30-day rapid job search rule. :mod:`ips_jobdev.cycles._due` reads the history from
the store; the functions here take plain values, so they are easy to check by hand.

>>> import datetime as dt
>>> from ips_jobdev.cycles import Contact, employer_state, summarize
>>> intro = Contact(dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), "introduce")
>>> state = employer_state(summarize([intro]), on=dt.date(2026, 11, 10))
>>> state.reason
'follow-up due 16 Nov, stage 2: learn the business'
>>> state.status.value
'due'
"""

from ips_jobdev.cycles._policy import (
    DEFAULT_POLICY,
    DEFAULT_POLICY_NAME,
    ContactLike,
    CyclePolicy,
    CycleStage,
    get_policy,
    local_date,
    register_policy,
    registered_policies,
    resolve_policy,
    short_date,
)
from ips_jobdev.cycles._rapid_search import RapidSearchState, RapidSearchStatus, rapid_search_state
from ips_jobdev.cycles._relationship import (
    Contact,
    EmployerCycleState,
    EmployerStatus,
    RelationshipSummary,
    employer_state,
    summarize,
)

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_POLICY_NAME",
    "Contact",
    "ContactLike",
    "CyclePolicy",
    "CycleStage",
    "EmployerCycleState",
    "EmployerStatus",
    "RapidSearchState",
    "RapidSearchStatus",
    "RelationshipSummary",
    "employer_state",
    "get_policy",
    "local_date",
    "rapid_search_state",
    "register_policy",
    "registered_policies",
    "resolve_policy",
    "short_date",
    "summarize",
]
