"""The old home of ``reportedly convert``; the commands now live in :mod:`reportedly.cli.convert`.

Kept so that modules registering more ``convert`` commands (``from reportedly.cli.quotes import
convert_app``) go on working; new code imports from :mod:`reportedly.cli.convert`.
"""

from __future__ import annotations

from reportedly.cli.convert import convert_app, convert_strings

__all__ = ["convert_app", "convert_strings"]
