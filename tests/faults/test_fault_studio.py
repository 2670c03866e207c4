"""Defect class 6: secrets and network. The project folder's token goes only to the server the
folder started; a server that accepts and never answers fails fast with a code; Label Studio's
folders and database are private whoever made them. Real sockets on 127.0.0.1, no mocks."""

from __future__ import annotations

import json
import socket
import stat
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import refused

from reportedly.studio.server import StudioPaths, make_private

FOLDER_TOKEN = "folder-secret-token-0123"
CLEAN_ENV = {
    "LABEL_STUDIO_API_KEY": None,
    "LABEL_STUDIO_USER_TOKEN": None,
    "LABEL_STUDIO_URL": None,
    "REPORTEDLY_STUDIO_DIR": None,
}


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []  # every request's headers, for the test to read

    def do_GET(self) -> None:
        Recorder.seen.append(dict(self.headers))
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"detail": "Invalid token."}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def foreign() -> Iterator[str]:
    """A server on 127.0.0.1 that records every request's headers and refuses them."""
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def studio_dir(tmp_path: Path) -> Path:
    """A folder whose server (started earlier) is at another port, with its token kept here."""
    folder = tmp_path / ".studio"
    folder.mkdir(mode=0o700)
    (folder / "credentials.json").write_text(
        json.dumps({"token": FOLDER_TOKEN, "username": "admin@x"}), encoding="utf-8"
    )
    info = {
        "pid": 1,
        "url": "http://127.0.0.1:9",
        "port": 9,
        "data_dir": str(folder / "data"),
        "log": "",
        "started_at": "",
    }
    (folder / "server.json").write_text(json.dumps(info), encoding="utf-8")
    return folder


def _leaked() -> bool:
    return any(FOLDER_TOKEN in value for headers in Recorder.seen for value in headers.values())


def test_a_foreign_url_gets_no_request_and_no_token(foreign: str, studio_dir: Path) -> None:
    result = refused(
        ["studio", "invite", "--url", foreign, "--dir", studio_dir], "RPT-STUDIO-FOREIGN-URL", env=CLEAN_ENV
    )
    assert FOLDER_TOKEN not in result.output
    assert Recorder.seen == [] and not _leaked()


def test_a_foreign_url_from_the_environment_gets_no_token(foreign: str, studio_dir: Path) -> None:
    refused(
        ["studio", "invite", "--dir", studio_dir],
        "RPT-STUDIO-FOREIGN-URL",
        env={**CLEAN_ENV, "LABEL_STUDIO_URL": foreign},
    )
    assert Recorder.seen == []


def test_a_foreign_url_gets_only_the_token_given_for_it(foreign: str, studio_dir: Path) -> None:
    env = {**CLEAN_ENV, "LABEL_STUDIO_API_KEY": "explicit-token-for-there"}
    refused(["studio", "invite", "--url", foreign, "--dir", studio_dir], "RPT-STUDIO-TOKEN", env=env)
    assert Recorder.seen, "the explicit token is used"
    assert any("explicit-token-for-there" in v for h in Recorder.seen for v in h.values())
    assert not _leaked()


def test_no_server_started_here_and_no_url_sends_nothing(tmp_path: Path) -> None:
    folder = tmp_path / ".studio"
    folder.mkdir()
    (folder / "credentials.json").write_text(json.dumps({"token": FOLDER_TOKEN}), encoding="utf-8")
    refused(["studio", "invite", "--dir", folder], "RPT-STUDIO-UNREACHABLE", env=CLEAN_ENV)


@pytest.fixture()
def stalled() -> Iterator[str]:
    """A socket that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_stalled_server_fails_fast_with_a_code_saying_what_was_awaited(stalled: str, studio_dir: Path) -> None:
    env = {**CLEAN_ENV, "LABEL_STUDIO_API_KEY": "explicit-token", "REPORTEDLY_STUDIO_TIMEOUT": "2"}
    started = time.monotonic()
    result = refused(["studio", "invite", "--url", stalled, "--dir", studio_dir], "RPT-STUDIO-TIMEOUT", env=env)
    assert time.monotonic() - started < 15
    assert "whoami" in result.stderr and stalled in result.stderr


def test_label_studio_folders_and_database_are_made_private_whoever_made_them(tmp_path: Path) -> None:
    paths = StudioPaths(tmp_path / "studio")
    paths.data_dir.mkdir(parents=True, mode=0o755)
    paths.root.chmod(0o755)
    paths.data_dir.chmod(0o755)
    database = paths.data_dir / "label_studio.sqlite3"
    database.write_bytes(b"SQLite format 3\x00 with the token inside")
    database.chmod(0o644)
    paths.log.write_text("log\n", encoding="utf-8")
    paths.log.chmod(0o644)
    make_private(paths)
    assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.log.stat().st_mode) == 0o600
