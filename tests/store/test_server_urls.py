"""Server URLs without SQLAlchemy: shown with the password hidden as SQLAlchemy shows them, and
the plain reads' `:name` parameters in psycopg's style."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from cintui.store.base import shown_url
from cintui.store.fast import _server_sql, server_conninfo


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://k.osei:s3cret@db.example.gov.uk:5432/cintui",
    "postgresql+psycopg://k.osei:s3cret@db.example.gov.uk/cintui?sslmode=verify-full",
    "postgresql+psycopg://k.osei@db.example.gov.uk/cintui",
    "postgresql+psycopg://?service=cintui",
    "sqlite:////tmp/store.db",
])
def test_a_url_is_shown_as_sqlalchemy_shows_it(url):
    assert shown_url(url) == make_url(url).render_as_string(hide_password=True)
    assert "s3cret" not in shown_url(url)


def test_a_password_given_as_a_query_option_is_hidden_too():
    assert shown_url("postgresql+psycopg://h/db?password=s3cret&sslmode=require") == (
        "postgresql+psycopg://h/db?password=***&sslmode=require")


def test_only_postgresql_through_psycopg_goes_to_libpq_as_it_is():
    assert server_conninfo("postgresql+psycopg://u:p@h:5/db?sslmode=verify-full") == (
        "postgresql://u:p@h:5/db?sslmode=verify-full")
    assert server_conninfo("postgresql+psycopg://?service=cintui") == "postgresql://?service=cintui"
    for other in ("sqlite:///x.db", "postgresql+psycopg2://h/db", "/tmp/x.db"):
        assert server_conninfo(other) is None


def test_named_parameters_become_psycopgs_and_percent_signs_stay_literal():
    sql = "SELECT '10%', x::text FROM t WHERE a = :ref AND b LIKE :text ESCAPE '!'"
    assert _server_sql(sql) == ("SELECT '10%%', x::text FROM t WHERE a = %(ref)s "
                                "AND b LIKE %(text)s ESCAPE '!'")
