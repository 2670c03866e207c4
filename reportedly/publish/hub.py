"""Upload a published folder to the Hugging Face Hub.

The token comes from the argument, else ``HF_TOKEN`` or the cached ``hf auth login`` (via
``huggingface_hub.get_token``); it is passed on, never printed or put in a message. The folder must
be intact (``SHA256SUMS`` matches) so what is uploaded is exactly what ``publish`` wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from reportedly.incidents import ReportedlyError
from reportedly.publish.files import verify_checksums

# remote files of an earlier release that the new upload replaces (stale shards must not linger)
DELETE_PATTERNS = ["data/*", "flat/*", "tokens/*"]


class HubApi(Protocol):
    """The two calls of ``huggingface_hub.HfApi`` this module needs (a test passes its own class)."""

    def create_repo(self, repo_id: str, **kwargs: Any) -> Any: ...

    def upload_folder(self, **kwargs: Any) -> Any: ...


def _default_token() -> str | None:
    from huggingface_hub import get_token

    token: str | None = get_token()
    return token


def push_to_hub(
    folder: Path,
    repo_id: str,
    *,
    version: str,
    private: bool = False,
    token: str | None = None,
    api: HubApi | None = None,
    token_source: Callable[[], str | None] = _default_token,
) -> str:
    """Create the dataset repository if needed and upload ``folder`` as one commit; returns its URL."""
    problems = verify_checksums(Path(folder))
    if problems:
        raise ReportedlyError.of("RPT-PUBLISH-CHECKSUM", "; ".join(problems))
    token = token or token_source()
    if not token:
        raise ReportedlyError.of("RPT-PUBLISH-NO-TOKEN", f"no Hugging Face token to push to {repo_id}")
    if api is None:
        from huggingface_hub import HfApi

        api = cast(HubApi, HfApi())
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True, token=token)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(folder),
            commit_message=f"reportedly corpus {version}",
            delete_patterns=DELETE_PATTERNS,
            token=token,
        )
    except ReportedlyError:
        raise
    except Exception as exc:  # network, auth and API errors all end here, without the token
        message = str(exc).replace(token, "<token>")
        raise ReportedlyError.of(
            "RPT-PUBLISH-UPLOAD", f"upload to {repo_id} failed: {type(exc).__name__}: {message}"
        ) from None
    return str(getattr(commit, "commit_url", None) or f"https://huggingface.co/datasets/{repo_id}")
