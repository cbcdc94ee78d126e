"""The PostgreSQL half of the suite has a server: a store opens on it at the newest schema."""

from cintui.store import migrate
from cintui.store.engine import open_url


def test_a_new_server_database_becomes_a_store_at_the_newest_schema(pg_url):
    store = open_url(pg_url)
    try:
        assert store.path is None
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.close()
