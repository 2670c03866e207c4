"""Interchange formats: read and write what people already have.

- :mod:`reportedly.convert.brat`: brat standoff (``.txt`` + ``.ann``), both ways, with YAML label
  mappings (bundled: ``reportedly``, ``attribution``) and one layer per annotator.
- :mod:`reportedly.convert.conll`: CoNLL BIO, one tag column per label layer, spaCy tokens.
- :mod:`reportedly.convert.plain`: plain text / JSONL into unannotated documents.
- :mod:`reportedly.convert.issues`: the coded problems every converter returns.

Quoted strings (annotators, LLM output) are aligned to offsets by :mod:`reportedly.quotes`.
"""
