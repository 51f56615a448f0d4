"""Export and import of the history: JSON (with a published schema) and CSV.

The JSON export is `{"format": "backroll.history", "version": 3,
"exported_at": ..., "usual_pain": [...], "pain_records": [...], "sessions": [...]}`
where every session is exactly `Session.to_dict()`, every usual-pain record
`UsualPain.to_dict()` and every pain record `PainRecord.to_dict()`. The schema ships in the package
(`tracker/schema/history-v3.schema.json`) and `backroll export --schema`
prints it. Version 1 (no usual_pain) and 2 (no pain_records) files are still read.

Import never trusts the file: it refuses anything over `MAX_BYTES` before
parsing, parses strictly (no NaN, no duplicate keys, no absurd nesting),
then checks the whole document with a small validator written for our own
shape (so the jsonschema package is only needed by the tests, which check
that this validator and the schema agree). Only a fully valid file is
merged, by UUID, through `Store.merge` in one write; a session whose id is
already stored with different content is a conflict: reported, never
overwritten. Importing the same file twice changes nothing, and two
machines' exports merge in either order to the same history.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from tracker.exchange.export import (
    SESSION_COLUMNS,
    STEP_COLUMNS,
    export_csv,
    export_document,
    export_json,
    filter_sessions,
    schema,
    schema_text,
    write_private,
)
from tracker.exchange.format import *  # noqa: F403  (the format's constants, as before)
from tracker.exchange.importing import (
    History,
    ImportReport,
    import_sessions,
    pain_records_from_document,
    parse_history,
    plan_import,
    read_export,
    read_history,
    sessions_from_document,
    usual_pain_from_document,
)
from tracker.exchange.reading import ImportRefused, parse_json, read_bytes_limited
from tracker.exchange.validate import validate_document

__all__ = [
    "SESSION_COLUMNS",
    "STEP_COLUMNS",
    "History",
    "ImportRefused",
    "ImportReport",
    "export_csv",
    "export_document",
    "export_json",
    "filter_sessions",
    "import_sessions",
    "pain_records_from_document",
    "parse_history",
    "parse_json",
    "plan_import",
    "read_bytes_limited",
    "read_export",
    "read_history",
    "schema",
    "schema_text",
    "sessions_from_document",
    "usual_pain_from_document",
    "validate_document",
    "write_private",
]
