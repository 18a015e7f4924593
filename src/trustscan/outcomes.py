"""Which outcome benefits the person, and which class the model predicts.

Two notions that real data often keep apart (AIF360's ``favorable_label`` versus the positive
class of a classifier):

- the **favourable decision** is what benefits the person (hired, approved, released, low
  risk). Selection rates, impact ratios, the scoring rate and disparity drivers use it;
- the **positive class** is the event the model predicts (recidivism, default, ``deny = yes``).
  Precision, recall and calibration use it.

``high_risk = 1``, ``deny = yes`` and ``two_year_recid = 1`` are positive classes whose
decision is *adverse*. trustscan infers the favourable decision from the names of the decision,
target and score columns (and from text labels) with the lexicon below; it states what it
inferred in one line, and asks for ``--favourable-label`` (exit 2) when it cannot tell.

Lexicon (whole words of a column name or label; ``low_``/``no_``/``not_``/``non_`` before an
adverse word makes it favourable, so ``low_risk`` and ``no_default`` read as favourable):

- adverse: deny/denied/denial, reject/rejected, decline/declined, default/defaulted,
  delinquent/delinquency, chargeoff/writeoff, foreclosure, bankrupt(cy), fraud/fraudulent,
  risk/risky (and high), recid/recidivism/recidivist, reoffend/reoffended, rearrest/arrest(ed),
  violent/violence, detain/detained, jail, convict(ed), churn/churned, fire/fired,
  terminate/terminated/termination, dismiss(ed), evict(ed), suspend(ed), expel(led), ban(ned),
  flag(ged), bad, fail/failed/failure, late, overdue, readmit/readmitted/readmission,
  death/died/mortality, lose/loss;
- favourable: approve/approved/approval, accept/accepted, grant/granted, hire/hired,
  admit/admitted, offer(ed), select(ed), shortlist(ed), interview(ed), promote(d), pass(ed),
  release(d), eligible, qualified, good, repay/repaid, paid, success/successful, retain(ed),
  survive(d), recommend(ed), win/won/winner, quality, rating, low (as a label), creditworthy,
  income/salary/earnings (with labels such as ``>50K`` / ``<=50K``, the higher one is
  favourable).

A name with words of both kinds (``win_loss``, ``pass_fail``) says nothing about which way.
``high`` / ``low`` as labels follow a column name that points (``risk``: low is favourable;
``income``: high is); with no such name they read as a risk level (low is favourable, as for
COMPAS's score_text), and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from trustscan.errors import InputError
from trustscan.sensitive.lexicon import words

Polarity = Literal["adverse", "favourable"]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ADVERSE_WORDS = _word_set(
    """deny denied denies denial denials reject rejected rejection decline declined default
    defaulted defaults delinquent delinquency chargeoff chargedoff writeoff foreclosure
    foreclosed bankrupt bankruptcy fraud fraudulent risk risky recid recidivism recidivist
    recidivate reoffend reoffended reoffense rearrest rearrested arrest arrested violent
    violence detain detained detention jail jailed convict convicted conviction churn churned
    churner fire fired terminate terminated termination dismiss dismissed dismissal evict
    evicted eviction suspend suspended suspension expel expelled ban banned flag flagged bad
    fail failed failure late overdue readmit readmitted readmission death died mortality
    dead lose loss"""
)
"""Words naming an outcome that harms the person it is about."""

FAVOURABLE_WORDS = _word_set(
    """approve approved approval accept accepted acceptance grant granted hire hired hiring
    admit admitted admission offer offered select selected shortlist shortlisted interview
    interviewed promote promoted promotion pass passed release released eligible qualified
    good repay repaid paid success successful retain retained survive survived recommend
    recommended creditworthy income salary earnings win wins won winner quality rating"""
)
"""Words naming an outcome that benefits the person."""

_NEGATIONS = frozenset({"low", "no", "not", "non", "never", "without"})
_AMPLIFIERS = frozenset({"high", "very", "is", "has", "was", "will", "any"})
_LABEL_ONLY = {"high": "adverse", "low": "favourable", "medium": None}
_TRUE_WORDS = ("1", "1.0", "true", "yes", "y", "t", "positive", "pos")
_FALSE_WORDS = ("0", "0.0", "false", "no", "n", "f", "negative", "neg", "-1", "-1.0")


def polarity_of_name(name: str | None) -> tuple[Polarity, str] | None:
    """Whether a column or label name reads as an adverse or favourable outcome, and the word.

    ``high_risk`` -> adverse ('risk'); ``low_risk`` and ``no_default`` -> favourable;
    ``approved`` -> favourable; ``decile_score`` and ``win_loss`` -> None.
    """
    if name is None:
        return None
    tokens = words(str(name))
    hits: list[tuple[Polarity, str]] = []
    for i, token in enumerate(tokens):
        negated = i > 0 and tokens[i - 1] in _NEGATIONS
        if token in ADVERSE_WORDS:
            hits.append(("favourable" if negated else "adverse", token))
        elif token in FAVOURABLE_WORDS:
            hits.append(("adverse" if negated else "favourable", token))
    if len({polarity for polarity, _ in hits}) > 1:
        return None  # both ways (win_loss, pass_fail): the name says which labels, not which
    return hits[0] if hits else None


def _label_polarity(label: Any, *, levels: bool = True) -> Polarity | None:
    """The polarity a label names: by its words (``approved``), or with ``levels`` by a
    bare level (``high`` reads as a high risk)."""
    hit = polarity_of_name(str(label))
    if hit is not None:
        return hit[0]
    if not levels:
        return None
    value = _LABEL_ONLY.get(str(label).strip().lower())
    return value  # type: ignore[return-value]


def is_true_word(label: Any) -> bool:
    return str(label).strip().lower() in _TRUE_WORDS


def is_false_word(label: Any) -> bool:
    return str(label).strip().lower() in _FALSE_WORDS


@dataclass(frozen=True)
class NamedColumn:
    """A column whose name may say which way its outcome points."""

    role: str
    """``decision``, ``target`` or ``score``, for messages."""
    name: str


@dataclass(frozen=True)
class Outcome:
    """The binary outcome definition every check reads."""

    positive_label: Any
    """The class the model predicts (the event): precision, recall, calibration."""
    favourable_label: Any
    """The label that benefits the person: selection rates, impact ratios, drivers."""
    negative_label: Any
    """The other label."""
    decision_name: str
    """The decision column, or ``decision`` for a model's output."""
    statement: str
    """One line saying what was treated as favourable and why (terminal and report header)."""
    by_default: bool = False
    """True when nothing named the outcome and the positive class was taken as favourable."""
    score_points_to: Any | None = None
    """Which label a higher raw score means (None without a score)."""
    score_statement: str | None = None
    """One line saying which way the score points, when there is a score."""

    @property
    def decision_text(self) -> str:
        """``high_risk = 0``: the favourable decision as a column and value."""
        return f"{self.decision_name} = {self.favourable_label}"

    @property
    def favourable_is_positive(self) -> bool:
        return _same(self.favourable_label, self.positive_label)

    @property
    def adverse_label(self) -> Any:
        return self.negative_label if self.favourable_is_positive else self.positive_label


def _same(a: Any, b: Any) -> bool:
    return a is b or a == b or str(a) == str(b)


def _match(requested: str, labels: Sequence[Any], flag: str) -> Any:
    for label in labels:
        if str(label) == requested or str(label).lower() == requested.strip().lower():
            return label
        try:
            if float(label) == float(requested):
                return label
        except (TypeError, ValueError):
            pass
    raise InputError(
        f"{flag} {requested!r} is not one of the labels ({', '.join(map(str, labels))})",
        "pass one of those values",
    )


def choose_positive(labels: Sequence[Any], requested: str | None) -> tuple[Any, str]:
    """The positive class and how it was chosen.

    ``1``/``true``/``yes`` when present, else the larger of two numbers, else the label that
    names an adverse event, else the one that names a favourable one; None when none apply.
    """
    if requested is not None:
        return _match(requested, labels, "--positive-label"), "given with --positive-label"
    for label in labels:
        if is_true_word(label):
            return label, "the usual positive label"
    if all(isinstance(label, int | float | np.integer | np.floating) for label in labels):
        return max(labels), f"the larger of {', '.join(map(str, labels))}"
    polar = {label: _label_polarity(label) for label in labels}
    for wanted in ("adverse", "favourable"):
        chosen = [label for label, p in polar.items() if p == wanted]
        if len(chosen) == 1:
            return chosen[0], f"{chosen[0]!r} names the predicted event"
    return None, ""


def resolve_outcome(
    labels: Sequence[Any],
    *,
    columns: Sequence[NamedColumn],
    decision_name: str,
    positive_requested: str | None,
    favourable_requested: str | None,
) -> Outcome:
    """Decide the positive class and the favourable decision of a binary task.

    ``labels`` holds the two labels; ``columns`` the decision/target/score columns whose names
    may say which way the outcome points; ``decision_name`` names the decision in messages.
    Raises ``InputError`` (exit 2) when the favourable decision cannot be told.
    """
    labels = list(labels)
    if len(labels) == 1:  # e.g. scores only and every row on one side: pad with the other
        labels.append(0 if not _same(labels[0], 0) else 1)
    positive, _ = choose_positive(labels, positive_requested)
    override = "pass --favourable-label to override"
    if favourable_requested is not None:
        favourable = _match(favourable_requested, labels, "--favourable-label")
        reason = "as given with --favourable-label"
        override = ""
    else:
        favourable, reason = _infer_favourable(labels, columns, positive)
    if positive is None:
        # Text labels with no usual positive: the adverse one is the event when known.
        positive = next(label for label in labels if not _same(label, favourable))
        if favourable_requested is None and _label_polarity(favourable) is None:
            positive = favourable
    negative = next(label for label in labels if not _same(label, positive))
    decision_text = f"{decision_name} = {favourable}"
    statement = f"Treated {decision_text} as the favourable decision {reason}"
    if not _same(favourable, positive):
        statement += f"; the model's positive class ({positive}) is the adverse outcome"
    statement += f"; {override}." if override else "."
    by_default = favourable_requested is None and reason.startswith("because no column")
    return Outcome(positive, favourable, negative, decision_name, statement, by_default)


def _infer_favourable(
    labels: Sequence[Any], columns: Sequence[NamedColumn], positive: Any
) -> tuple[Any, str]:
    votes: dict[str, list[tuple[NamedColumn, str]]] = {"adverse": [], "favourable": []}
    for column in columns:
        hit = polarity_of_name(column.name)
        if hit is not None:
            votes[hit[0]].append((column, hit[1]))
    # Text labels that name the outcome themselves ("approved"/"denied") decide first; a
    # level (high / low) only when no column name says which way the outcome points.
    levels_decide = not (votes["adverse"] or votes["favourable"])
    label_polarity = {
        i: _label_polarity(label, levels=levels_decide) for i, label in enumerate(labels)
    }
    fav = [i for i, p in label_polarity.items() if p == "favourable"]
    adv = [i for i, p in label_polarity.items() if p == "adverse"]
    if len(labels) == 2 and len(fav) == 1:
        return labels[fav[0]], f"because the label {labels[fav[0]]!r} names a favourable outcome"
    if len(labels) == 2 and len(adv) == 1:
        return labels[1 - adv[0]], (
            f"because the other label {labels[adv[0]]!r} names an adverse outcome"
        )
    if votes["adverse"] and votes["favourable"]:
        said = ", ".join(f"{c.role} {c.name!r} reads as {p}" for p in votes for c, _ in votes[p])
        raise InputError(
            f"cannot tell which decision is favourable: {said}",
            f"pass --favourable-label with one of {', '.join(map(repr, map(str, labels)))}",
        )
    true_label = next((label for label in labels if is_true_word(label)), None)
    false_label = next((label for label in labels if is_false_word(label)), None)
    for polarity in ("adverse", "favourable"):
        if not votes[polarity]:
            continue
        column, word = votes[polarity][0]
        yes, no = true_label, false_label
        higher = _higher_label(labels)
        if yes is None and no is None and higher is not None:
            yes = higher
            no = next(label for label in labels if not _same(label, higher))
        if yes is None and no is None and positive is not None and len(labels) == 2:
            yes = positive
            no = next(label for label in labels if not _same(label, positive))
        if yes is None or no is None:
            break
        chosen = no if polarity == "adverse" else yes
        return chosen, (
            f"because {column.role} {column.name!r} names {_article(polarity)} outcome ({word!r})"
        )
    if positive is not None and (true_label is not None or _numeric(labels)):
        return positive, (
            "because no column name says the outcome is adverse (the positive class is "
            "taken as the favourable one)"
        )
    raise InputError(
        "cannot tell which label is the favourable decision among "
        f"{', '.join(map(repr, map(str, labels)))}: no column or label name says",
        "pass --favourable-label with the label that benefits the person",
    )


_HIGHER = re.compile(r"^\s*(>|more|above|over|high)", re.IGNORECASE)
_LOWER = re.compile(r"^\s*(<|less|below|under|low|up to)", re.IGNORECASE)


def _higher_label(labels: Sequence[Any]) -> Any | None:
    """Of two labels such as ``>50K`` / ``<=50K``, the one that means more."""
    if len(labels) != 2:
        return None
    high = [label for label in labels if _HIGHER.match(str(label))]
    low = [label for label in labels if _LOWER.match(str(label))]
    if len(high) == 1 and len(low) == 1 and not _same(high[0], low[0]):
        return high[0]
    return None


def _numeric(labels: Sequence[Any]) -> bool:
    return all(isinstance(label, int | float | np.integer | np.floating) for label in labels)


def score_direction(
    outcome: Outcome,
    *,
    score_name: str,
    columns: Sequence[NamedColumn],
    measured: float | None = None,
) -> tuple[Any, str]:
    """Which label a higher score means, and a sentence saying so.

    ``measured`` is the AUC of the score for the positive-class decisions when both decisions
    and scores are logged: the data then decide. Otherwise the score's own name decides
    (``risk_score`` points to the adverse label), else it is the positive class's score.
    """
    score_col = next((c for c in columns if c.role == "score"), None)
    hit = polarity_of_name(score_col.name) if score_col else None
    if measured is not None and np.isfinite(measured) and measured != 0.5:
        points = outcome.positive_label if measured > 0.5 else outcome.negative_label
        how = f"the logged decisions agree (AUC {max(measured, 1 - measured):.2f})"
    elif hit is not None:
        points = outcome.adverse_label if hit[0] == "adverse" else outcome.favourable_label
        how = f"{score_name!r} names {_article(hit[0])} outcome ({hit[1]!r})"
    else:
        points = outcome.positive_label
        how = "a score is taken to be the positive class's"
    favourable = _same(points, outcome.favourable_label)
    kind = "favourable" if favourable else "adverse"
    statement = (
        f"A higher {score_name} means {outcome.decision_name} = {points} ({kind}) because {how}"
    )
    if not favourable:
        statement += "; fairness checks read it reversed, so a higher score means favourable"
    return points, statement + "."


def _article(polarity: str) -> str:
    """'an adverse', 'a favourable': the statement is read by reviewers."""
    return f"an {polarity}" if polarity[:1] in "aeiou" else f"a {polarity}"


def equals_label(values: np.ndarray, label: Any) -> np.ndarray:
    """True where ``values`` equal ``label``: numerically for numbers, else as text (a CSV's
    ``"1"`` equals the label 1)."""
    values = np.asarray(values)
    if values.dtype.kind in "biuf" and not isinstance(label, str):
        return np.asarray(values == label, dtype=bool)
    return np.asarray(pd.Series(values).astype(str).to_numpy() == str(label), dtype=bool)
