"""A local Label Studio server for annotation sessions: start it detached, wait for health, stop it by pid.

Everything lives in one project-local folder (``.studio/`` by default, ignored by git)::

    .studio/data/              Label Studio's media, and its SQLite database unless PostgreSQL is used
                               (LABEL_STUDIO_BASE_DATA_DIR; see :mod:`reportedly.studio.database`)
    .studio/credentials.json   admin e-mail, generated password and API token (mode 0600)
    .studio/server.json        pid, URL and port of the running server
    .studio/server.log         the server's output
    .studio/pull-state.json    what the last pull wrote (to spot layers edited locally)

Facts this module relies on (Label Studio 1.23): the preset admin and token are applied only when
the user is created, i.e. on the first start of a data folder; the token is accepted only when the
organisation is created with legacy tokens enabled (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true on
that first start); ``--internal-host`` is the bind address; a busy port makes the server silently
move to the next one, so the URL is read from its "Starting development server at" line; the plain
variables HOST, PORT, USERNAME, PASSWORD and USER_TOKEN leak into its settings and are cleared.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportedly.studio.database import Database

from reportedly.incidents import ReportedlyError
from reportedly.studio.defaults import DEFAULT_DIR as DEFAULT_DIR

DEFAULT_PORT = 8080
DEFAULT_ADMIN = "admin@reportedly.local"
LEAKY_ENV = ("HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN")
READY_LINE = re.compile(r"Starting development server at (http://[^\s/]+)/?")
# No calls home: version check, analytics and error reports (server and editor) are off.
QUIET_ENV = {"LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}
# Label Studio refuses any URL on a reserved network (model backends, and the webhook it registers
# for each) and offers no switch for loopback alone: its own list of reserved networks
# (core/utils/io.py: validate_ip, 1.23.2) is given back to it without 127.0.0.0/8 and ::1.
BANNED_BUT_LOOPBACK = (
    "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,169.254.0.0/16,172.16.0.0/12,192.0.0.0/24,192.0.2.0/24,"
    "192.88.99.0/24,192.168.0.0/16,198.18.0.0/15,198.51.100.0/24,203.0.113.0/24,224.0.0.0/4,233.252.0.0/24,"
    "240.0.0.0/4,255.255.255.255/32,::/128,::ffff:0:0/96,::ffff:0:0:0/96,64:ff9b::/96,64:ff9b:1::/48,"
    "100::/64,2001:0000::/32,2001:20::/28,2001:db8::/32,2002::/16,fc00::/7,fe80::/10,ff00::/8"
)
LOOPBACK_BACKENDS_ENV = {
    "LABEL_STUDIO_USE_DEFAULT_BANNED_SUBNETS": "false",
    "LABEL_STUDIO_USER_ADDITIONAL_BANNED_SUBNETS": BANNED_BUT_LOOPBACK,
}
START_TIMEOUT_S = 300.0  # a first start migrates the database: about a minute, more on a slow disk


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, never all of it."""
    return f"{secret[:4]}…" if secret else "(none)"


@dataclass(frozen=True)
class StudioPaths:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.json"

    @property
    def server(self) -> Path:
        return self.root / "server.json"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def pull_state(self) -> Path:
        return self.root / "pull-state.json"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str | None  # None when it came from the environment and is not ours to keep
    token: str


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    url: str
    port: int
    data_dir: str
    log: str
    started_at: str
    database: str = "sqlite"  # PostgreSQL: its URL without the password


@dataclass(frozen=True)
class ServeResult:
    info: ServerInfo
    credentials: Credentials
    started: bool  # False: it was already running
    first_start: bool  # the database was created (migrations ran) on this start
    seconds: float
    requested_port: int


# --- secrets ---------------------------------------------------------------------------------


def write_private(path: Path, content: str) -> None:
    """Write atomically a file only its owner can read (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_credentials(paths: StudioPaths) -> dict[str, str]:
    if not paths.credentials.exists():
        return {}
    try:
        data = json.loads(paths.credentials.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportedlyError.of(
            "RPT-STUDIO-CREDENTIALS",
            f"{paths.credentials} is unreadable ({exc}); delete it and the data folder "
            f"{paths.data_dir} to start afresh",
        ) from None
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def load_or_create_credentials(paths: StudioPaths, env: Mapping[str, str]) -> Credentials:
    """The admin of the local server: from the environment (LABEL_STUDIO_USERNAME, _PASSWORD,
    _USER_TOKEN) when set, else from the credentials file, else generated and kept there (0600)."""
    kept = read_credentials(paths)
    username = env.get("LABEL_STUDIO_USERNAME") or kept.get("username") or DEFAULT_ADMIN
    password = env.get("LABEL_STUDIO_PASSWORD") or kept.get("password")
    token = env.get("LABEL_STUDIO_USER_TOKEN") or kept.get("token")
    fresh = dict(kept)
    fresh["username"] = username
    if not password:
        password = fresh["password"] = secrets.token_urlsafe(18)
    if not token:
        token = fresh["token"] = secrets.token_hex(20)  # 40 characters: the length of a Label Studio token
    if len(token) <= 5 or len(token) > 40:
        raise ReportedlyError.of("RPT-STUDIO-TOKEN", "LABEL_STUDIO_USER_TOKEN must have 6 to 40 characters")
    if fresh != kept:
        write_private(paths.credentials, json.dumps(fresh, indent=2) + "\n")
    elif paths.credentials.exists() and paths.credentials.stat().st_mode & 0o077:
        os.chmod(paths.credentials, 0o600)
    stored_password = password if fresh.get("password") == password else None
    return Credentials(username, stored_password, token)


# --- processes --------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reaps it when it is our own child
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return True
    return True


def _is_our_server(pid: int, data_dir: str) -> bool:
    """The pid still belongs to the Label Studio we started (pids are reused)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return _alive(pid)  # no /proc (macOS): trust the pid file
    try:
        args = cmdline.read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return any("label-studio" in a for a in args) and data_dir in args


def read_server_info(paths: StudioPaths) -> ServerInfo | None:
    if not paths.server.exists():
        return None
    try:
        return ServerInfo(**json.loads(paths.server.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, TypeError):
        return None


def running_server(paths: StudioPaths) -> ServerInfo | None:
    """The server this folder started, when it is still running."""
    info = read_server_info(paths)
    if info is not None and _alive(info.pid) and _is_our_server(info.pid, info.data_dir):
        return info
    return None


def label_studio_executable() -> str:
    beside = Path(sys.executable).parent / "label-studio"
    found = str(beside) if beside.exists() else shutil.which("label-studio")
    if not found:
        raise ReportedlyError.of(
            "RPT-STUDIO-MISSING", "label-studio is not installed; install the extra: pip install 'reportedly[studio]'"
        )
    return found


def child_env(
    paths: StudioPaths,
    credentials: Credentials,
    env: Mapping[str, str],
    database: Database = None,
    *,
    loopback_backends: bool = False,
) -> dict[str, str]:
    """The server's environment: ours without the variables that leak into its settings, plus its own."""
    from reportedly.studio.database import database_env

    out = database_env(database, {k: v for k, v in env.items() if k not in LEAKY_ENV})
    if loopback_backends:
        out.update(LOOPBACK_BACKENDS_ENV)
    out.update(
        {
            "LABEL_STUDIO_USERNAME": credentials.username,
            "LABEL_STUDIO_USER_TOKEN": credentials.token,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "LABEL_STUDIO_BASE_DATA_DIR": str(paths.data_dir.resolve()),
            **QUIET_ENV,
        }
    )
    password = credentials.password or env.get("LABEL_STUDIO_PASSWORD")
    if password:
        out["LABEL_STUDIO_PASSWORD"] = password
    return out


def http_status(url: str, *, token: str | None = None, timeout: float = 5.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


def make_private(paths: StudioPaths) -> None:
    """The server folder and its data folder 0700, the database and log 0600, whoever created them
    (a folder given with --dir may have been made by someone else, with the usual 0755/0644): the
    database holds the admin's token and the annotations."""
    for folder in (paths.root, paths.data_dir):
        if folder.is_dir():
            os.chmod(folder, 0o700)
    for file in [paths.log, *paths.data_dir.glob("label_studio.sqlite3*")]:
        if file.is_file():
            os.chmod(file, 0o600)


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def migrate_template(target: Path, *, env: Mapping[str, str] | None = None, timeout: float = START_TIMEOUT_S) -> None:
    """Create a migrated, user-less Label Studio data folder at ``target`` (``label-studio init``),
    to copy for fast starts; built beside ``target`` and renamed into place."""
    env = dict(os.environ if env is None else env)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    clean = {k: v for k, v in env.items() if k not in LEAKY_ENV and not k.startswith("LABEL_STUDIO_")}
    clean.update({"LABEL_STUDIO_BASE_DATA_DIR": str(building), **QUIET_ENV})
    log = building / "init.log"
    try:
        with log.open("w") as out:
            code = subprocess.call(
                [label_studio_executable(), "init", "-q", "--data-dir", str(building)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=clean,
                timeout=timeout,
            )
        if code != 0 or not (building / "label_studio.sqlite3").exists():
            raise ReportedlyError.of("RPT-STUDIO-START", f"label-studio init failed (exit {code}):\n{log_tail(log)}")
        log.unlink()
        (building / ".env").unlink(missing_ok=True)  # its SECRET_KEY: each copy makes its own
        try:
            building.rename(target)
        except OSError:  # another process built it first
            if not target.exists():
                raise
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


# --- serve and stop ---------------------------------------------------------------------------


def serve(
    paths: StudioPaths,
    *,
    port: int = DEFAULT_PORT,
    template: Path | None = None,
    timeout: float = START_TIMEOUT_S,
    env: Mapping[str, str] | None = None,
    on_progress: Callable[[str], None] | None = None,
    database: Database = None,
    loopback_backends: bool = False,
) -> ServeResult:
    """Start Label Studio on 127.0.0.1 for this folder (or find it running) and wait until it answers.

    ``database`` is PostgreSQL for a team (None: SQLite in the data folder). ``template`` is a
    migrated SQLite data folder (see :func:`migrate_template`) copied in when the folder has no
    database yet: a start of a few seconds instead of a minute of migrations. ``loopback_backends``
    lets the project connect a model backend on this machine (``reportedly studio backend``).
    """
    env = dict(os.environ if env is None else env)
    say = on_progress or (lambda _message: None)
    began = time.monotonic()
    paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    credentials = load_or_create_credentials(paths, env)
    running = running_server(paths)
    if running is not None and database is not None and running.database != database.display():
        raise ReportedlyError.of(
            "RPT-STUDIO-DB",
            f"the server of {paths.root} is running on {running.database}, not {database.display()}; "
            "stop it first (`reportedly studio stop`)",
        )
    if running is not None and http_status(f"{running.url}/health") == 200:
        return ServeResult(running, credentials, False, False, time.monotonic() - began, port)
    if running is not None:
        stop(paths)
    sqlite = paths.data_dir / "label_studio.sqlite3"
    if database is None:
        if not sqlite.exists() and template is not None and (Path(template) / "label_studio.sqlite3").exists():
            shutil.copytree(template, paths.data_dir, dirs_exist_ok=True)
        first_start = not sqlite.exists()
    else:
        first_start = not database.is_migrated()
    if first_start:
        say("first start: Label Studio creates its database (about a minute)")
    paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(paths)
    with paths.log.open("a", encoding="utf-8") as log:
        log.write(f"\n=== reportedly studio serve {datetime.now(UTC).isoformat(timespec='seconds')} ===\n")
        log.flush()
        offset = log.tell()
        process = subprocess.Popen(
            [
                label_studio_executable(),
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(paths.data_dir.resolve()),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_env(paths, credentials, env, database, loopback_backends=loopback_backends),
            cwd=paths.root,
            start_new_session=True,
            umask=0o077,  # what Label Studio creates (database, media, its .env secret) is the owner's alone
        )
    info = ServerInfo(
        process.pid,
        "",
        0,
        str(paths.data_dir.resolve()),
        str(paths.log),
        datetime.now(UTC).isoformat(timespec="seconds"),
        database.display() if database is not None else "sqlite",
    )
    write_private(paths.server, json.dumps(asdict(info), indent=2) + "\n")
    url = ""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            paths.server.unlink(missing_ok=True)
            raise ReportedlyError.of(
                "RPT-STUDIO-START",
                f"Label Studio exited (code {process.returncode}) before it was ready; "
                f"its log {paths.log} ends with:\n{log_tail(paths.log)}",
            )
        if not url:
            with paths.log.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(offset)
                match = READY_LINE.search(handle.read())
            url = match.group(1) if match else ""
        if url and http_status(f"{url}/health", timeout=2.0) == 200:
            break
        if time.monotonic() > deadline:
            stop(paths)
            raise ReportedlyError.of(
                "RPT-STUDIO-START",
                f"Label Studio did not answer within {timeout:.0f} s; its log {paths.log} ends "
                f"with:\n{log_tail(paths.log)}",
            )
        time.sleep(0.2)
    info = replace(info, url=url, port=int(url.rsplit(":", 1)[1]))
    write_private(paths.server, json.dumps(asdict(info), indent=2) + "\n")
    make_private(paths)
    status = http_status(f"{url}/api/current-user/whoami", token=credentials.token)
    if status != 200:
        raise ReportedlyError.of(
            "RPT-STUDIO-TOKEN",
            f"Label Studio is running at {url} but refuses the API token {mask(credentials.token)} (HTTP {status}). "
            f"The token is set only when the admin is created, on the first start of {paths.data_dir}: "
            f"this folder was started with another token. Log in, copy the token from Account & Settings "
            f"into LABEL_STUDIO_API_KEY, or stop the server and delete {paths.data_dir} to start afresh.",
        )
    return ServeResult(info, credentials, True, first_start, time.monotonic() - began, port)


@dataclass(frozen=True)
class StopResult:
    pid: int | None
    stopped: bool
    message: str


def stop(paths: StudioPaths, *, timeout: float = 20.0) -> StopResult:
    """Stop the server this folder started (by its pid, after checking the pid is still that server)."""
    info = read_server_info(paths)
    if info is None:
        return StopResult(None, False, f"no server started from {paths.root} ({paths.server} is absent)")
    if not _alive(info.pid):
        paths.server.unlink(missing_ok=True)
        return StopResult(info.pid, False, f"the server (pid {info.pid}) had already stopped")
    if not _is_our_server(info.pid, info.data_dir):
        paths.server.unlink(missing_ok=True)
        return StopResult(info.pid, False, f"pid {info.pid} is no longer our Label Studio; left alone")
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)
        while _alive(info.pid) and time.monotonic() < deadline + 5:
            time.sleep(0.1)
    paths.server.unlink(missing_ok=True)
    return StopResult(info.pid, True, f"stopped Label Studio (pid {info.pid}) at {info.url or 'its port'}")
