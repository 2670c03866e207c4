"""brat relations, events and equivalences to relations between spans.

Attribution corpora write an attribution as an event (``E1 Attribution:T3 Source:T1
Content:T2``): the mapping names the event's *head* role (the span that becomes the relations'
head, e.g. Content -> CLAIM) and what every other role, and the trigger, becomes (e.g. Source ->
``attributed_to``). Equivalences (``* Coreference T1 T4``) link each later mention to the first.

Under ``triggers: skip`` (PolNeAR) a trigger's T line is no span: the trigger's relation goes to
the converted span with exactly the trigger's offsets, if there is one (the cue, in PolNeAR), and
is left out otherwise; the event's other roles give its relations as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from reportedly.convert.brat.mapping import BratMapping, RelationMap
from reportedly.convert.brat.parse import Ann, EventLine
from reportedly.document import Relation, Span

Report = Callable[[str, str, int | None], None]  # code, message, line


class References:
    """Which brat ids of one ``.ann`` became spans, and which were left out on purpose (whose
    references are then not reported again)."""

    def __init__(
        self,
        spans: dict[str, Span],
        skipped: set[str],
        mapping: BratMapping,
        report: Report,
        triggers: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.spans, self.skipped, self.mapping, self.report = spans, skipped, mapping, report
        self.triggers = triggers or {}  # trigger T id -> its offsets, when triggers are not spans

    def stand_in(self, trigger: str) -> str | None:
        """The trigger itself, or (``triggers: skip``) the span at the trigger's offsets, if any."""
        if trigger not in self.triggers:
            return trigger
        start, end = self.triggers[trigger]
        return min((i for i, s in self.spans.items() if (s.start, s.end) == (start, end)), default=None)

    def known(self, ref: str, what: str, line: int) -> bool:
        if ref in self.spans:
            return True
        if ref not in self.skipped:
            self.report("RPT-BRAT-REF", f"{what} names {ref!r}, which is not a converted text-bound annotation", line)
        return False

    def event_heads(self, event: EventLine) -> list[str]:
        """The arguments of ``event`` in its mapped head role (Content, Content2, ...)."""
        emap = self.mapping.events.get(event.type)
        return [arg for role, arg in event.args if emap is not None and role.rstrip("0123456789") == emap.head]


def relations_of(parsed: Ann, refs: References, ignored: dict[str, int]) -> list[Relation]:
    """The relations of the R, E and * lines, between brat ids (renamed later); ``ignored``
    counts what the mapping lists under ``ignore:``."""
    mapping, report = refs.mapping, refs.report
    relations: list[Relation] = []

    def relate(rmap: RelationMap, head: str, tail: str) -> None:
        if rmap.reverse:
            head, tail = tail, head
        if rmap.by_position:
            spans = refs.spans
            head, tail = sorted((head, tail), key=lambda i: (spans[i].start, spans[i].end, i), reverse=True)
        relations.append(Relation(rmap.relation, head, tail))

    for rel in parsed.relations:
        if rel.type in mapping.ignore:
            ignored[rel.type] = ignored.get(rel.type, 0) + 1
            continue
        rmap = mapping.relations.get(rel.type)
        if rmap is None:
            report(
                "RPT-BRAT-UNMAPPED",
                f"{rel.id}: relation type {rel.type!r} is not under relations: in {mapping.source}",
                rel.line,
            )
            continue
        (_, head), (_, tail) = rel.args
        if refs.known(head, rel.id, rel.line) & refs.known(tail, rel.id, rel.line):
            relate(rmap, head, tail)

    for event in parsed.events:
        if event.type in mapping.ignore:
            ignored[event.type] = ignored.get(event.type, 0) + 1
            continue
        emap = mapping.events.get(event.type)
        if emap is None:
            message = f"{event.id}: event type {event.type!r} is not under events: in {mapping.source}"
            report("RPT-BRAT-UNMAPPED", message, event.line)
            continue
        heads = refs.event_heads(event)
        if not heads:
            report("RPT-BRAT-EVENT", f"{event.id} {event.type} has no {emap.head} argument", event.line)
            continue
        trigger = refs.stand_in(event.trigger)
        others: list[tuple[str | None, str]] = [(emap.trigger, trigger)] if emap.trigger and trigger else []
        for role, arg in event.args:
            base = role.rstrip("0123456789")
            if base == emap.head or base in mapping.ignore:
                continue
            if base not in emap.roles:
                message = (
                    f"{event.id}: role {role!r} of event {event.type!r} is not under "
                    f"events.{event.type}.roles in {mapping.source}"
                )
                report("RPT-BRAT-UNMAPPED", message, event.line)
                continue
            others.append((emap.roles[base], arg))
        for head in heads:
            if not refs.known(head, event.id, event.line):
                continue
            for relation, arg in others:
                if relation is not None and arg != head and refs.known(arg, event.id, event.line):
                    relations.append(Relation(relation, head, arg))

    for equiv in parsed.equivs:
        if equiv.type in mapping.ignore:
            ignored[equiv.type] = ignored.get(equiv.type, 0) + 1
            continue
        rmap = mapping.relations.get(equiv.type)
        if rmap is None:
            message = f"equivalence type {equiv.type!r} is not under relations: in {mapping.source}"
            report("RPT-BRAT-UNMAPPED", message, equiv.line)
            continue
        spans = refs.spans
        members = sorted((spans[i].start, spans[i].end, i) for i in equiv.ids if refs.known(i, "*", equiv.line))
        for _, _, later in members[1:]:
            relate(rmap, later, members[0][2])  # a later mention -> the first mention
    return relations
