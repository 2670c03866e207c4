"""Choosing Label Studio's database: the --db / REPORTEDLY_STUDIO_DB URL and the settings it becomes."""

from __future__ import annotations

import pytest

from reportedly.incidents import ReportedlyError
from reportedly.studio.database import PostgresDatabase, database_env, parse_database


def test_sqlite_is_the_default() -> None:
    assert parse_database(None, {}) is None
    assert parse_database("sqlite", {}) is None
    assert database_env(None, {"DJANGO_DB": "default", "POSTGRE_HOST": "db"}) == {"DJANGO_DB": "sqlite"}


def test_a_postgresql_url_becomes_label_studio_settings() -> None:
    database = parse_database("postgresql://ls%40team:s3cr%2Ft@db.example.org:6543/labelstudio", {})
    assert database == PostgresDatabase("db.example.org", 6543, "labelstudio", "ls@team", "s3cr/t")
    assert database.display() == "postgresql://ls@team:…@db.example.org:6543/labelstudio"
    assert "s3cr/t" not in repr(database)
    env = database_env(
        database, {"LABEL_STUDIO_POSTGRE_HOST": "elsewhere", "HEARTEX_DJANGO_DB": "sqlite", "PATH": "/x"}
    )
    assert env == {
        "PATH": "/x",
        "DJANGO_DB": "default",
        "POSTGRE_HOST": "db.example.org",
        "POSTGRE_PORT": "6543",
        "POSTGRE_NAME": "labelstudio",
        "POSTGRE_USER": "ls@team",
        "POSTGRE_PASSWORD": "s3cr/t",
    }


def test_the_variable_and_pgpassword_are_read() -> None:
    env = {"REPORTEDLY_STUDIO_DB": "postgres://annotation@127.0.0.1/rounds", "PGPASSWORD": "from-env"}
    database = parse_database(None, env)
    assert database == PostgresDatabase("127.0.0.1", 5432, "rounds", "annotation", "from-env")
    assert database is not None and database.display() == "postgresql://annotation:…@127.0.0.1:5432/rounds"


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/ls", "postgresql://localhost/ls", "postgresql://u@localhost/", "postgresql://u@h:x/d"],
)
def test_unusable_urls_name_the_form(url: str) -> None:
    with pytest.raises(ReportedlyError) as caught:
        parse_database(url, {})
    assert caught.value.code == "RPT-STUDIO-DB" and "postgresql://USER" in str(caught.value)


def test_an_unreachable_database_names_the_fix_without_the_password() -> None:
    database = PostgresDatabase("127.0.0.1", 1, "ls", "ls", "hunter2-secret")
    with pytest.raises(ReportedlyError) as caught:
        database.connect(timeout=2)
    assert caught.value.code == "RPT-STUDIO-DB" and "hunter2-secret" not in str(caught.value)
    assert "postgresql://ls:…@127.0.0.1:1/ls" in str(caught.value) and "PGPASSWORD" in str(caught.value)
