"""Alembic environment: cintui runs migrations itself (`cintui.store.migrate.upgrade`), on the
store's own connection, inside the transaction it has opened."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("cintui runs its own migrations: use cintui.store.migrate.upgrade(engine)")


def _target_metadata():
    """The models, for comparing (tests) and autogenerating a draft of the next revision."""
    from sqlmodel import SQLModel

    import cintui.store.models  # noqa: F401  (registers the tables)

    return SQLModel.metadata


context.configure(
    connection=connection,
    target_metadata=_target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
    compare_type=True,
)
with context.begin_transaction():  # already inside the caller's transaction: a no-op
    context.run_migrations()
