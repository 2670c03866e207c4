"""The attributes track: for each attribute, accuracy and macro-F1 over the gold spans that a
system matched strictly (same boundaries, same label), and the joint span+attribute F1.

A predicted span without the attribute is scored as the extra class ``missing``; macro-F1
averages per-class F1 = 2·TP / (2·TP + FP + FN) over the classes that occur in the gold or the
predictions (scikit-learn's ``f1_score(average="macro", zero_division=0)``). Joint F1 counts a
prediction as correct when it matches a gold span strictly *and* has the gold value (for
``attrs_joint``: every attribute of its label right).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reportedly.document import Span
from reportedly.schema import AttributeDef, Schema
from reportedly.scoring._types import BoolArray, IntArray
from reportedly.scoring.matching import SpanMatch, gather
from reportedly.scoring.metrics import Mean, Metric, Ratio, prf

MISSING = "missing"


@dataclass(frozen=True)
class AttributeCodes:
    """Per attribute: the value code of every gold and predicted span.

    -1: not a span of the attribute's label (or, for gold, the value is absent); ``len(values)``:
    a predicted span of that label without the attribute. Values outside the schema never get
    here: :func:`reportedly.validate.check_document` rejects them first.
    """

    gold: dict[str, IntArray]
    pred: dict[str, IntArray]


def attribute_codes(match: SpanMatch, schema: Schema) -> AttributeCodes:
    gold: dict[str, IntArray] = {}
    pred: dict[str, IntArray] = {}
    for attr in schema.attributes:
        index = {value: i for i, value in enumerate(attr.value_names)}
        label = schema.label_names.index(attr.label)
        gold[attr.name] = _codes(match.gold.spans, match.gold.label == label, attr, index, absent=-1)
        codes = _codes(match.pred.spans, match.pred.label == label, attr, index, absent=len(index))
        codes[codes == len(index) + 1] = len(index)
        pred[attr.name] = codes
    return AttributeCodes(gold, pred)


def _codes(
    spans: Sequence[Span], of_label: BoolArray, attr: AttributeDef, index: dict[str, int], *, absent: int
) -> IntArray:
    codes = np.full(len(spans), -1, np.int64)
    outside = len(index) + 1 if absent >= 0 else -1
    for i in np.flatnonzero(of_label).tolist():
        value = spans[i].attrs.get(attr.name)
        codes[i] = absent if value is None else index.get(value, outside)
    return codes


def attribute_columns(
    match: SpanMatch,
    codes: AttributeCodes,
    schema: Schema,
    *,
    n_docs: int,
    gold_in: BoolArray | None = None,
    pred_in: BoolArray | None = None,
) -> dict[str, IntArray]:
    gold, pred, pairs = match.gold, match.pred, match.per_label
    g_in = np.ones(len(gold), bool) if gold_in is None else gold_in
    p_in = np.ones(len(pred), bool) if pred_in is None else pred_in
    partner = match.partner(pairs, of_gold=False)
    p_eff = np.where(partner >= 0, gather(g_in, partner, False), p_in)
    strict = (gold.start[pairs.gold] == pred.start[pairs.pred]) & (gold.end[pairs.gold] == pred.end[pairs.pred])
    strict &= g_in[pairs.gold]
    gi, pi = pairs.gold[strict], pairs.pred[strict]
    out: dict[str, IntArray] = {}
    all_right = np.ones(len(gi), bool)
    for attr in schema.attributes:
        n_values = len(attr.values)
        names = [*attr.value_names, MISSING]
        g_code, p_code = codes.gold[attr.name], codes.pred[attr.name]
        label = schema.label_names.index(attr.label)
        of_label = gold.label[gi] == label
        g_pair = np.where(g_code[gi] >= 0, g_code[gi], n_values)
        right = g_pair == p_code[pi]
        all_right &= right | ~of_label
        has = of_label & (g_code[gi] >= 0)
        cells = (gold.doc[gi][has] * n_values + g_code[gi][has]) * (n_values + 1) + p_code[pi][has]
        confusion = np.bincount(cells, minlength=n_docs * n_values * (n_values + 1))
        confusion = confusion.reshape(n_docs, n_values, n_values + 1)
        for g, g_name in enumerate(attr.value_names):
            for p, p_name in enumerate(names):
                out[f"attrs_{attr.name}_{g_name}_{p_name}"] = confusion[:, g, p]
        out[f"attrs_{attr.name}_joint_cor"] = np.bincount(gold.doc[gi][of_label & right], minlength=n_docs)
        out[f"attrs_{attr.name}_joint_act"] = np.bincount(pred.doc[(pred.label == label) & p_eff], minlength=n_docs)
        out[f"attrs_{attr.name}_joint_pos"] = np.bincount(gold.doc[(gold.label == label) & g_in], minlength=n_docs)
    out["attrs_joint_cor"] = np.bincount(gold.doc[gi][all_right], minlength=n_docs)
    out["attrs_joint_act"] = np.bincount(pred.doc[p_eff], minlength=n_docs)
    out["attrs_joint_pos"] = np.bincount(gold.doc[g_in], minlength=n_docs)
    return out


def attribute_metrics(schema: Schema) -> list[Metric]:
    metrics: list[Metric] = []
    for attr in schema.attributes:
        a = attr.name
        gold_values = attr.value_names
        pred_values = (*gold_values, MISSING)
        cells = {f"attrs_{a}_{g}_{p}": 1.0 for g in gold_values for p in pred_values}
        metrics.append(Ratio(f"attrs_{a}_acc", {f"attrs_{a}_{v}_{v}": 1.0 for v in gold_values}, cells))
        per_class = []
        for v in pred_values:
            den: dict[str, float] = {}
            for g in gold_values:
                den[f"attrs_{a}_{g}_{v}"] = den.get(f"attrs_{a}_{g}_{v}", 0.0) + 1.0
            if v != MISSING:
                for p in pred_values:
                    den[f"attrs_{a}_{v}_{p}"] = den.get(f"attrs_{a}_{v}_{p}", 0.0) + 1.0
            num = {f"attrs_{a}_{v}_{v}": 2.0} if v != MISSING else {}
            metrics.append(Ratio(f"attrs_{a}_{v}_f", num, den))
            per_class.append(f"attrs_{a}_{v}_f")
        metrics.append(Mean(f"attrs_{a}_macro_f", tuple(per_class)))
        metrics += _joint(f"attrs_{a}_joint")
    metrics += _joint("attrs_joint")
    return metrics


def _joint(name: str) -> list[Metric]:
    return prf(name, tp={f"{name}_cor": 1.0}, act={f"{name}_act": 1.0}, pos={f"{name}_pos": 1.0})
