"""The LLM runner: any OpenAI-compatible chat-completions endpoint as an extraction system.

:mod:`.prompt` builds the request documented in ``eval/README.md``; :mod:`.client` sends it
(bounded concurrency, retries with backoff, a timeout per request, an on-disk response cache);
:mod:`.runner` turns answers into validated prediction documents through the quote aligner.
"""
