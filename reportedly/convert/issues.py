"""Problems found while converting: a stable code, a level, the place (file and line) and the fix.

Converters return issues instead of raising or printing, and keep going, so one run lists every
problem of a folder; the CLI prints them and writes nothing when any is an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportedly.incidents import COMMON, Code, Incident, error, register, warning

_BRAT_OFFSETS = "brat offsets are code points of the .txt read as UTF-8 with its line ends as written (\\r counts)"

# The catalogue: codes are stable; add new ones, never rename or reuse old ones.
CODES: dict[str, Code] = register(
    {
        **COMMON,
        "RPT-BRAT-PARSE": error(
            "an .ann line does not parse",
            "write it as brat standoff: 'T1<TAB>Type START END<TAB>text', 'A1<TAB>Name T1 [Value]', "
            "'R1<TAB>Type Arg1:T1 Arg2:T2', 'E1<TAB>Type:T1 Role:T2', '*<TAB>Type T1 T2' or '#1<TAB>Type T1<TAB>note'",
        ),
        "RPT-BRAT-OFFSET": error(
            "a text-bound annotation's offsets do not fit the .txt",
            f"{_BRAT_OFFSETS}; re-export the .ann from the .txt next to it",
        ),
        "RPT-BRAT-TEXT": error(
            "the text in the .ann line differs from the .txt at its offsets",
            f"{_BRAT_OFFSETS}; re-export the .ann from this .txt, or correct the offsets",
        ),
        "RPT-BRAT-UNMAPPED": error(
            "a brat type, attribute or role is missing from the label mapping",
            "add it to the mapping YAML (spans:, attributes:, relations: or events:), or list it under ignore:",
        ),
        "RPT-BRAT-DISCONTINUOUS": error(
            "a discontinuous brat span (several fragments) has no single-span equivalent",
            "rerun with --discontinuous merge (one span covering all fragments) or --discontinuous skip "
            "(leave it out), or join the fragments in brat",
        ),
        "RPT-BRAT-MERGED": warning(
            "a discontinuous span was merged into one span covering its fragments",
            "check the merged span; it includes the text between the fragments",
        ),
        "RPT-BRAT-SKIPPED": warning(
            "an annotation was left out",
            "see the message; the annotation is not in the output",
        ),
        "RPT-BRAT-REF": error(
            "an annotation refers to an id that is not a text-bound annotation of the file",
            "point it at an existing T id (events and relations take T ids as arguments)",
        ),
        "RPT-BRAT-DUPLICATE-ID": error("an .ann id is used twice", "give each annotation its own id"),
        "RPT-BRAT-EVENT": warning(
            "an event has no argument in the mapping's head role, so it gives no relations",
            "add the head-role argument in brat, or change events.<type>.head in the mapping",
        ),
        "RPT-BRAT-NOTE": warning(
            "a note (#) or normalization (N) line was ignored",
            "nothing to do unless the note holds an annotation; move that into a T, A or R line",
        ),
        "RPT-BRAT-IGNORED": warning(
            "annotations of types the mapping lists under ignore: were left out",
            "map the type in the mapping YAML if it should be converted",
        ),
        "RPT-BRAT-FILES": error(
            "an .ann file has no .txt, or its name does not say which document and annotator it is",
            "name files <id>.txt with <id>.<annotator>.ann (or <id>.ann and --annotator NAME)",
        ),
        "RPT-BRAT-GOLD-TEXT": error(
            "the .txt differs from the gold document's text",
            "annotate the text exported from the gold document (reportedly convert brat-export), or fix the gold text",
        ),
        "RPT-BRAT-MAPPING": error(
            "the label mapping YAML is not valid",
            "fix the named key; see reportedly/convert/mappings/attribution.yaml for a commented example",
        ),
        "RPT-BRAT-EXPORT": error(
            "a document cannot be written with this mapping",
            "export with the default mapping (reportedly), or add the label, attribute or relation to the mapping",
        ),
        "RPT-CONLL-PARSE": error(
            "a CoNLL line does not parse",
            "write one token per line with tab-separated columns (TOKEN then one BIO tag column per label layer), "
            "a blank line between sentences and '# newdoc id = ID' before each document",
        ),
        "RPT-CONLL-TAG": error(
            "a tag is not BIO (B-LABEL, I-LABEL, O) or names an unknown label",
            "use B-, I- (or E-, S-) with a label of schema/schema.yaml, or O; if the column holds something else "
            "(POS, chunks), name the tag columns with --tag-column N (repeat for several)",
        ),
        "RPT-CONLL-BIO": warning(
            "an I- tag follows O or another label; it starts a new span",
            "begin every span with B-LABEL",
        ),
        "RPT-CONLL-TEXT": error(
            "the tokens do not match the document text",
            "import with the --texts the file was exported from, or leave --texts out to rebuild the text from tokens",
        ),
        "RPT-CONLL-DOC": error(
            "a CoNLL document id is missing from --texts or used twice",
            "give each document a unique '# newdoc id = ID' that exists in --texts",
        ),
        "RPT-CONLL-NOT-TOKEN-ALIGNED": warning(
            "a span does not start and end at token boundaries, so BIO tags cannot hold it",
            "nothing to do for the export; the span is left out of the CoNLL file (spaCy blank English tokens)",
        ),
        "RPT-TEXT-PARSE": error(
            "an input record does not parse",
            "write one JSON object per line with a string 'text' (and optional 'id', 'title', 'meta')",
        ),
        "RPT-TEXT-EMPTY": error("a document text is empty", "remove the record or give it text"),
        "RPT-TEXT-ID": error(
            "a document id is not valid or is used twice",
            "ids start with a letter or digit and use only letters, digits, '.', '_' and '-'; make them unique",
        ),
        "RPT-TEXT-ID-CHANGED": warning(
            "a file name was not a valid document id, so the id was derived from it",
            "rename the file if you want another id",
        ),
        "RPT-TEXT-FIELD": warning(
            "an input field was ignored",
            "put extra information under 'meta'",
        ),
        "RPT-OUT-EXISTS": error(
            "an output file exists with other content",
            "pass --overwrite to replace it, or choose another --out",
        ),
    }
)


Issue = Incident  # converters' name for an incident


class ConvertError(ValueError):
    """Raised by the convenience readers when the input has errors; ``issues`` lists them all."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = tuple(issues)
        errors = [i for i in self.issues if i.level == "error"]
        self.code = errors[0].code if errors else "RPT-CONVERT"
        super().__init__("\n".join(i.render() for i in errors) or "conversion failed")
