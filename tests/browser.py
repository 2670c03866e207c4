"""Headless Chromium for tests: where it is, the flags that keep it off the network, and the CI rule.

Without Chromium a browser test skips locally but fails under CI=true, where .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil

import pytest

# no first-run, sync, component or background traffic: this machine has no network besides loopback
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    found = chromium_path()
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: CI must run `apt-get install -y chromium` before the tests")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")
