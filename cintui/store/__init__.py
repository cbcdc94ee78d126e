"""The store: tables, engine (SQLite / SQLCipher / any SQLAlchemy URL), audit trail, migrations,
the light SQL reader (`fast`) and where the store lives (`access`). Inside, `base` (errors,
constants) sits below `engine`, `migrate` and `audit`. May import `cintui.reference` and
`cintui.domain` only.

Names are re-exported lazily, so `import cintui.store.engine` (for `is_encrypted_file` or the
errors) does not pull in SQLAlchemy, SQLModel or Alembic before they are needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Store": "engine",
    "StoreError": "engine",
    "WrongPassphrase": "engine",
    "StoreNotFound": "engine",
    "StoreExists": "engine",
    "PassphraseRequired": "engine",
    "is_encrypted_file": "engine",
    "create_store": "engine",
    "open_store": "engine",
    "open_url": "engine",
    "backup_store": "engine",
    "AuditError": "audit",
    "AuditReport": "audit",
    "verify": "audit",
    "head_revision": "migrate",
    "current_revision": "migrate",
    "upgrade": "migrate",
}

__all__ = [
    "AuditError",
    "AuditReport",
    "PassphraseRequired",
    "Store",
    "StoreError",
    "StoreExists",
    "StoreNotFound",
    "WrongPassphrase",
    "backup_store",
    "create_store",
    "current_revision",
    "head_revision",
    "is_encrypted_file",
    "open_store",
    "open_url",
    "upgrade",
    "verify",
]

if TYPE_CHECKING:
    from cintui.store.audit import AuditError, AuditReport, verify
    from cintui.store.engine import (
        PassphraseRequired,
        Store,
        StoreError,
        StoreExists,
        StoreNotFound,
        WrongPassphrase,
        backup_store,
        create_store,
        is_encrypted_file,
        open_store,
        open_url,
    )
    from cintui.store.migrate import current_revision, head_revision, upgrade


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cintui.store' has no attribute {name!r}")
    return getattr(import_module(f"cintui.store.{module}"), name)
