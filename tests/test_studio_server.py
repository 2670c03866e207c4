"""`studio serve` / `stop` and the connection errors, against a real Label Studio."""

from __future__ import annotations

import json
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from studio_server import StudioServer, clean_env, free_port
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.incidents import ReportedlyError
from reportedly.studio import server as studio_server
from reportedly.studio.client import connect, require_project
from reportedly.studio.database import Database
from reportedly.studio.server import StudioPaths

pytestmark = pytest.mark.studio


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":
                found.add(address)
    return found


def test_serve_binds_loopback_and_keeps_the_token_private(studio: StudioServer) -> None:
    assert studio.url.startswith("http://127.0.0.1:")
    if Path("/proc/net/tcp").exists():
        assert _listening_addresses(studio.result.info.port) == {"0100007F"}  # 127.0.0.1 only
    mode = stat.S_IMODE(studio.paths.credentials.stat().st_mode)
    assert mode == 0o600
    kept = json.loads(studio.paths.credentials.read_text())
    assert kept["token"] == studio.token and len(studio.token) == 40 and kept["password"]
    assert studio.result.first_start is False  # the cached template was copied: no migrations
    running = studio_server.running_server(studio.paths)
    assert running is not None
    if studio.database is None:
        assert running.database == "sqlite" and (studio.paths.data_dir / "label_studio.sqlite3").exists()
    else:  # the database is PostgreSQL's, and its password stays out of server.json
        assert running.database == studio.database.display() and studio.database.password
        assert studio.database.password not in studio.paths.server.read_text()
        assert not (studio.paths.data_dir / "label_studio.sqlite3").exists()
        with studio.database.connect() as conn:
            emails = [row[0] for row in conn.execute("SELECT email FROM htx_user").fetchall()]
        # the admin made on this start lives in PostgreSQL (annotators that other tests on this
        # session-wide server signed up may be there too)
        assert kept["username"] in emails


def test_serve_again_finds_it_running_and_never_prints_the_token(studio: StudioServer) -> None:
    db = (
        ["--db", f"postgresql://postgres@127.0.0.1:{studio.database.port}/{studio.database.name}"]
        if studio.database
        else []
    )
    env = clean_env(PGPASSWORD=studio.database.password) if studio.database else clean_env()
    output = CliRunner().invoke(app, ["studio", "serve", "--dir", str(studio.paths.root), *db], env=env)
    assert output.exit_code == 0, output.output
    assert "already running" in output.output and studio.url in output.output
    expected = studio.database.display() if studio.database else "sqlite"
    assert f"database {expected}" in output.output
    assert not studio.database or studio.database.password not in output.output
    assert studio.token not in output.output and f"{studio.token[:4]}…" in output.output
    assert "credentials.json" in output.output
    status = CliRunner().invoke(app, ["studio", "status", "--dir", str(studio.paths.root)])
    assert status.exit_code == 0 and studio.url in status.output


def test_busy_port_then_stop_by_pid(
    tmp_path: Path, studio_template: Path, studio_database: Callable[[], Database]
) -> None:
    paths = StudioPaths(tmp_path / ".studio")
    database = studio_database()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", free_port()))
        busy.listen()
        wanted = busy.getsockname()[1]
        result = studio_server.serve(
            paths, port=wanted, template=studio_template, env=clean_env(), timeout=240, database=database
        )
    try:
        assert result.started and result.info.port != wanted  # it moved on, and we read where to
        assert studio_server.http_status(f"{result.info.url}/health") == 200
    finally:
        output = CliRunner().invoke(app, ["studio", "stop", "--dir", str(paths.root)])
    assert output.exit_code == 0 and f"pid {result.info.pid}" in output.output
    assert studio_server.http_status(f"{result.info.url}/health") is None
    assert not paths.server.exists()
    assert "already stopped" in studio_server.stop(paths).message or "no server" in studio_server.stop(paths).message


def test_unreachable_server_names_the_url_and_how_to_start_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ReportedlyError) as caught:
        connect(url, "0123456789abcdef")
    assert caught.value.code == "RPT-STUDIO-UNREACHABLE"
    assert url in str(caught.value) and "reportedly studio serve" in str(caught.value)


def test_wrong_token_is_refused_clearly(studio: StudioServer) -> None:
    with pytest.raises(ReportedlyError) as caught:
        connect(studio.url, "not-the-token-0000000000")
    message = str(caught.value)
    assert caught.value.code == "RPT-STUDIO-TOKEN" and "HTTP 401" in message and "not-…" in message
    assert "not-the-token-0000000000" not in message


def test_missing_project_says_to_run_setup(studio: StudioServer) -> None:
    with pytest.raises(ReportedlyError) as caught:
        require_project(studio.connect(), "no such project")
    assert caught.value.code == "RPT-STUDIO-PROJECT" and "reportedly studio setup" in str(caught.value)


def test_cli_errors_exit_1_with_the_code(studio: StudioServer, tmp_path: Path) -> None:
    env = clean_env(LABEL_STUDIO_URL=f"http://127.0.0.1:{free_port()}", LABEL_STUDIO_API_KEY="x" * 40)
    result = CliRunner().invoke(app, ["studio", "pull", "--dir", str(tmp_path), "--out", str(tmp_path / "l")], env=env)
    assert result.exit_code == 1 and "RPT-STUDIO-UNREACHABLE" in result.output
