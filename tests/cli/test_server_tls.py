"""A team server over TLS, set up as the README says: `sslmode=verify-full` against the
authority's CA (`sslrootcert`), the connection in a service file and the password in a
password file, so neither the command line nor CINTUI_DATABASE_URL holds a password."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from cintui.store import migrate


def openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(folder) -> None:
    """A throwaway CA and a server certificate it signed for localhost (EC keys: quick)."""
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=cintui test CA", cwd=folder)
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
            cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext",
            cwd=folder)


@pytest.fixture(scope="module")
def tls_cluster(pg_server, tmp_path_factory):
    """A cluster of its own with TLS on (the suite's shared one stays as it is)."""
    import pgserver

    folder = tmp_path_factory.mktemp("tls")
    make_certificates(folder)
    cluster = pgserver.start()
    try:
        for name in ("server.crt", "server.key"):
            shutil.copy(folder / name, cluster.data / name)
            (cluster.data / name).chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(cluster.data / name, "postgres", "postgres")
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("SELECT pg_reload_conf()")
        for _ in range(100):  # the postmaster rereads its configuration on SIGHUP
            try:
                psycopg.connect(cluster.url + "?sslmode=require").close()
                break
            except psycopg.OperationalError:
                time.sleep(0.05)
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE cintui")
        yield cluster, folder / "ca.crt"
    finally:
        cluster.stop()


@pytest.fixture
def service(tls_cluster, tmp_path, monkeypatch):
    """~/.pg_service.conf and ~/.pgpass as the README has them (here in the test's own
    folder: libpq is pointed at them, never at the real home folder's)."""
    cluster, ca = tls_cluster
    service_file, pass_file = tmp_path / "pg_service.conf", tmp_path / "pgpass"
    service_file.write_text(
        "[cintui]\n"
        f"host=localhost\nport={cluster.port}\ndbname=cintui\nuser={pgserver_user()}\n"
        f"sslmode=verify-full\nsslrootcert={ca}\n")
    pass_file.write_text(f"localhost:{cluster.port}:cintui:{pgserver_user()}:"
                         f"{cluster.password}\n")
    pass_file.chmod(0o600)
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    monkeypatch.setenv("PGPASSFILE", str(pass_file))
    monkeypatch.setenv("CINTUI_DATABASE_URL", "postgresql+psycopg://?service=cintui")
    return cluster


def pgserver_user() -> str:
    import pgserver

    return pgserver.SUPERUSER


def test_a_server_over_verified_tls_from_a_service_file_works_and_db_info_says_so(
        cli, service):
    assert cli("db", "init", "--no-encrypt").code == 0
    result = cli("db", "info")
    assert result.code == 0, result.err
    info = dict(line.split(": ", 1) for line in result.out.splitlines() if ": " in line)
    assert info["store"] == "postgresql+psycopg://?service=cintui"
    assert info["server"].startswith(f"localhost port {service.port}, database cintui, "
                                     "PostgreSQL ")
    assert info["login"] == pgserver_user()
    assert info["connection"].startswith("TLS (TLSv1.")
    assert info["connection"].endswith("sslmode=verify-full")
    assert info["revision"].startswith(migrate.head_revision())
    assert info["encrypted in transit"].startswith("yes, TLS")
    assert "WARNING" not in result.out
    assert cli("due").code == 0  # the light reader goes the same way
    from cintui.store import fast

    reader = fast.open_server_reader(info["store"])
    try:  # libpq itself (store/pq.py), over TLS from the same service file
        assert isinstance(reader, fast.LightServerReader)
        assert reader.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == \
            [(True,)]
    finally:
        reader.close()


def test_a_server_whose_certificate_the_ca_did_not_sign_is_refused_in_one_line(
        cli, service, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    make_certificates(other)  # another CA: the server's certificate is not one of its own
    service_file = Path(os.environ["PGSERVICEFILE"])
    service_file.write_text("\n".join(
        f"sslrootcert={other / 'ca.crt'}" if line.startswith("sslrootcert") else line
        for line in service_file.read_text().splitlines()) + "\n")
    for args in (["due"], ["db", "info"]):
        result = cli(*args)
        assert result.code == 2
        assert result.err.startswith("cintui: cannot use postgresql+psycopg://?service=cintui")
        assert "certificate verify failed" in result.err
        assert len(result.err.strip().splitlines()) == 1
