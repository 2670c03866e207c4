"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and the benchmark (not for a team's data).

``initdb`` makes a cluster in a folder of its own (password authentication, a generated superuser
password kept in the folder, mode 0600); ``pg_ctl`` starts it on a loopback port with its socket in
the same folder, and stops it. PostgreSQL refuses to run as root: under root the cluster belongs to
the ``postgres`` system user that the OS package creates, and its commands run as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportedly.incidents import ReportedlyError
from reportedly.studio.database import PostgresDatabase
from reportedly.studio.server import log_tail, write_private

INSTALL_HINT = (
    "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)"
)
SUPERUSER = "postgres"


def postgres_bin(program: str = "initdb") -> Path:
    """A PostgreSQL server program: on PATH, else the newest under /usr/lib/postgresql (Debian)."""
    found = shutil.which(program)
    if found:
        return Path(found)
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=lambda p: int(p.split("/")[4].split(".")[0])
    )
    if not versions:
        raise ReportedlyError.of("RPT-STUDIO-POSTGRES-MISSING", f"PostgreSQL's {program} was not found; {INSTALL_HINT}")
    return Path(versions[-1])


def server_version() -> str:
    """The major version of the PostgreSQL server programs, e.g. ``15``."""
    out = subprocess.run([str(postgres_bin("postgres")), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[-1].split(".")[0]


def _run_as() -> list[str]:
    """Under root, the prefix that runs a command as the ``postgres`` system user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise ReportedlyError.of(
            "RPT-STUDIO-POSTGRES-MISSING",
            f"PostgreSQL cannot run as root and there is no {SUPERUSER!r} system user; {INSTALL_HINT}",
        ) from None
    return ["setpriv", f"--reuid={SUPERUSER}", f"--regid={SUPERUSER}", "--init-groups", "--"]


def _hand_over(folder: Path) -> None:
    """Under root, give the folder to the ``postgres`` user (the server checks who owns its data)."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam(SUPERUSER)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)


@dataclass
class LocalCluster:
    """A PostgreSQL cluster in ``folder`` (made by :meth:`create`), served on 127.0.0.1:``port``."""

    folder: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def password(self) -> str:
        return (self.folder / "password").read_text(encoding="utf-8").strip()

    @classmethod
    def create(cls, folder: Path) -> LocalCluster:
        """``initdb`` a fresh cluster into the empty or absent ``folder`` (made private, 0700)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        write_private(folder / "password", secrets.token_urlsafe(24) + "\n")
        _hand_over(folder)
        result = subprocess.run(
            [
                *_run_as(),
                str(postgres_bin("initdb")),
                "--pgdata",
                str(folder / "data"),
                "--username",
                SUPERUSER,
                "--auth",
                "scram-sha-256",
                "--pwfile",
                str(folder / "password"),
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--no-sync",  # throwaway: durability on power loss is not wanted here
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise ReportedlyError.of("RPT-STUDIO-POSTGRES", f"initdb failed in {folder}:\n{result.stderr[-2000:]}")
        return cls(folder)

    @classmethod
    def copy_of(cls, source: Path, folder: Path) -> LocalCluster:
        """A copy of the stopped cluster ``source`` (e.g. one with a migrated template database)."""
        shutil.copytree(source, folder, symlinks=True)
        os.chmod(folder, 0o700)
        _hand_over(Path(folder))
        return cls(Path(folder))

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_run_as(), str(postgres_bin("pg_ctl")), "--pgdata", str(self.data), *args],
            capture_output=True,
            text=True,
        )

    def start(self, port: int) -> None:
        """Start the server on 127.0.0.1:``port`` (socket in the folder; fsync off: throwaway data)."""
        self.port = port
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {self.folder} -c fsync=off -c max_connections=200"
        result = self.pg_ctl("--wait", "--timeout", "60", "--log", str(self.log), "--options", options, "start")
        if result.returncode != 0:
            raise ReportedlyError.of(
                "RPT-STUDIO-POSTGRES",
                f"PostgreSQL did not start on 127.0.0.1:{port}:\n{result.stderr[-1000:]}\n{log_tail(self.log)}",
            )

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are closed)."""
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("--wait", "--mode", "fast", "stop")

    def database(self, name: str) -> PostgresDatabase:
        return PostgresDatabase("127.0.0.1", self.port, name, SUPERUSER, self.password)

    def create_database(self, name: str, *, template: str | None = None) -> PostgresDatabase:
        """A new database, as a copy of ``template`` when given (fast: no migrations)."""
        for identifier in (name, template or "x"):
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", identifier):
                raise ReportedlyError.of("RPT-STUDIO-POSTGRES", f"{identifier!r} is not a plain database name")
        with self.database("postgres").connect() as conn:
            quoted = f'"{name}"' + (f' TEMPLATE "{template}"' if template else "")
            conn.execute(f"CREATE DATABASE {quoted}")
        return self.database(name)
