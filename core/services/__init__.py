"""The one write path: every change of records and citations, from every channel.

The admin, the API, the loader and the management commands call these services and hold no
rules of their own. Each service runs in one transaction, on rows it has locked, and either
changes everything it was asked to or nothing.

The review workflow::

    draft ──publish──▶ published ──retract(reason)──▶ retracted ──reopen──▶ draft

The rules (``ValidationError`` for bad data, ``EvidenceConflict`` when the request would
destroy or orphan published evidence):

* **Published evidence is never deleted.** Only drafts are deleted. A citation of a
  published record is retracted with a reason; the last live citation of a published record,
  or the last one supporting one of its filled-in factual fields, cannot be retracted.
* **Every citation is checked** (``Citation.check_evidence``): a quote found at its span in a
  text source, or a locator in a dataset, and ``supports`` naming factual fields.
* **Cited text is frozen** (``Source.check_change``).
* **Published stands on published.** A record is published only when everything it refers
  to (related records, the sources of its evidence) is published; ``with_references``
  publishes those drafts first, through the same checks (``publish_sources`` on a save, the
  draft sources a published record newly cites). A record that public records (published or
  retracted) refer to cannot be retracted or reopened, nor deleted.
* **Field-level evidence.** A published record's every filled-in factual field is supported
  by a live citation, and a measure (a quantity with its unit, money with its currency, and
  its qualifier) is given by a quote that supports it (``core.measures``). A date known only
  as a note is supported by a quote with the note's words (``core.notes``).
* **Support is per value** (``core.support``). A citation supports the values its fields
  held when it was cited; a published record takes a new value only with a citation of it
  in the same call. A citation's support for one field is withdrawn with a reason
  (``citation_withdraw_support``), never taken back, and never from the last support.
"""

# Callers (admin, API, loader, commands) import from ``core.services``: the package's modules
# split the rules by concern, the names stay where they were.
from core.services.base import (
    LIVE_STATES,
    PUBLIC_EVIDENCE,
    CitationsInvalid,
    EvidenceConflict,
    label,
)
from core.services.bulk import BATCH_SIZE, NewRecord, records_create
from core.services.citations import (
    MAX_CITATIONS_PER_SAVE,
    CitationInput,
    ReanchorReport,
    checked_citation,
    citation_withdraw_support,
    citations_capture_values,
    new_citation,
    source_reanchor,
)
from core.services.evidence_checks import (
    dependents,
    evidence_problems,
    is_filled,
    published_problems,
    reference_problems,
    references,
)
from core.services.publish_many import records_publish
from core.services.review import record_delete, record_publish, record_reopen, record_retract
from core.services.sent import CitationChanges, SentCitationsInvalid, citation_changes
from core.services.writes import check_fields, live_citations, lock_record, record_save, validate

__all__ = [
    "BATCH_SIZE",
    "LIVE_STATES",
    "MAX_CITATIONS_PER_SAVE",
    "PUBLIC_EVIDENCE",
    "CitationChanges",
    "CitationInput",
    "CitationsInvalid",
    "EvidenceConflict",
    "NewRecord",
    "ReanchorReport",
    "SentCitationsInvalid",
    "check_fields",
    "checked_citation",
    "citation_changes",
    "citation_withdraw_support",
    "citations_capture_values",
    "dependents",
    "evidence_problems",
    "is_filled",
    "label",
    "live_citations",
    "lock_record",
    "new_citation",
    "published_problems",
    "record_delete",
    "record_publish",
    "record_reopen",
    "record_retract",
    "record_save",
    "records_create",
    "records_publish",
    "reference_problems",
    "references",
    "source_reanchor",
    "validate",
]
