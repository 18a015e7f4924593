"""Core result types: what checks produce and what formatters read."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

if TYPE_CHECKING:
    from trustscan.headline import Headline


class Status(str, enum.Enum):
    """Outcome of a check. Skip and error are first-class results, never silent omissions."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order used to pick the worst status: pass < skip < warn < error < fail."""
        return _STATUS_RANK[self]


_STATUS_RANK = {Status.PASS: 0, Status.SKIP: 1, Status.WARN: 2, Status.ERROR: 3, Status.FAIL: 4}


class Severity(enum.IntEnum):
    """How much a failing finding matters, ordered."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Dimension(str, enum.Enum):
    """Gartner's six trust dimensions."""

    ETHICS = "ethics"
    INTEGRITY = "integrity"
    OPENNESS = "openness"
    ACCOUNTABILITY = "accountability"
    COMPETENCE = "competence"
    CONSISTENCY = "consistency"


@dataclass(frozen=True)
class Evidence:
    """One measured number with its uncertainty."""

    metric: str
    """What was measured, e.g. ``impact_ratio`` or ``auc``."""
    estimate: float | None
    """Point estimate (None when it cannot be computed, e.g. an empty group)."""
    ci_low: float | None = None
    """Lower bound of the confidence interval."""
    ci_high: float | None = None
    """Upper bound of the confidence interval."""
    confidence: float | None = None
    """Confidence level of the interval, e.g. 0.95."""
    p_value: float | None = None
    """p-value of the test behind the finding, when there is one."""
    n: int | None = None
    """Number of rows the estimate rests on."""
    threshold: float | None = None
    """Policy threshold the estimate was compared with."""
    method: str | None = None
    """How the interval or test was computed, e.g. ``bootstrap (1000 count resamples)``."""


@dataclass(frozen=True)
class Finding:
    """A single plain-language statement a check makes, with its evidence."""

    check_id: str
    status: Status
    severity: Severity
    title: str
    message: str
    """Plain-language sentence a reviewer can read without knowing the metric."""
    subject: str | None = None
    """What the finding is about: a feature, a group, a column."""
    evidence: tuple[Evidence, ...] = ()
    remediation: str | None = None
    waived: bool = False
    """Set by the policy gate when a waiver covers this finding."""
    waiver_reason: str | None = None


@dataclass(frozen=True)
class ScoreInput:
    """The measured number a check is scored by: ``value`` at or beyond ``green`` scores 100,
    at or beyond ``red`` 0, linearly in between (``green > red``: higher is better)."""

    value: float
    green: float
    red: float

    def points(self) -> float:
        """0-100 on the line from ``red`` (0) to ``green`` (100); they must differ."""
        share = (self.value - self.red) / (self.green - self.red)
        return 100.0 * min(1.0, max(0.0, share))


@dataclass(frozen=True)
class Scoring:
    """What a check tells ``scoring`` beyond its status (see ``trustscan.scoring``)."""

    score_input: ScoreInput | None = None
    """The measured value it is scored by; None: it scores by its status."""
    insufficient_evidence: bool = False
    """It could not judge: it scores nothing and counts 0 towards coverage."""
    evidence_coverage: float | None = None
    """Share (0-1) of its subjects it could judge; None: all of them."""


class Measured(Protocol):
    """What a check measured, typed: a frozen dataclass of its family
    (``checks/<family>/measured.py``). Its JSON form (a result's ``metrics``) is
    ``to_metrics()``, and ``from_metrics`` reads that form back (a report re-read from JSON)."""

    def to_metrics(self) -> dict[str, Any]: ...

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=Measured)

RESULT_KEYS = ("sample",)
"""Keys of a result's ``metrics`` that the engine adds, not the check (``sample``: the
result was measured on a row sample, see ``engine.on_sample``)."""

NOT_JSON = {"json": False}
"""Field metadata: the serializer leaves the field out of the JSON (it is derived there)."""


@dataclass(frozen=True)
class CheckResult:
    """Everything one check reports."""

    check_id: str
    title: str
    dimension: Dimension
    severity: Severity
    status: Status
    summary: str
    """One-line outcome, e.g. why it failed or was skipped."""
    findings: tuple[Finding, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    """The JSON form of what the check measured. With ``measured`` it is derived:
    ``measured.to_metrics()`` plus the engine's ``RESULT_KEYS`` (only those are kept from
    what is passed). Without it (a skipped or crashed check, a result read back from JSON for
    a check this version does not register) it is the dict given."""
    scoring: Scoring = field(default_factory=Scoring)
    """What the check's score is computed from, beside its status."""
    duration_s: float = 0.0
    error: str | None = None
    """For ``Status.ERROR``: the exception, as text."""
    measured: Measured | None = field(default=None, compare=False, metadata=NOT_JSON)
    """What the check measured, typed; read it with ``measured_as``. Not in the JSON
    itself: ``metrics`` is its JSON form."""

    def __post_init__(self) -> None:
        if self.measured is not None:
            engine = {k: self.metrics[k] for k in RESULT_KEYS if k in self.metrics}
            object.__setattr__(self, "metrics", {**self.measured.to_metrics(), **engine})


def measured_as(result: CheckResult, kind: type[M]) -> M:
    """``result``'s typed result as ``kind`` (a renamed field then fails mypy, not the report).

    Every check builds its typed result; a result without one (a report read from JSON whose
    check is not registered here, or a hand-made ``CheckResult``) has its ``metrics`` read
    into ``kind``. Raises ``TypeError`` when the result holds another kind.
    """
    measured = result.measured
    if measured is None:
        return kind.from_metrics({k: v for k, v in result.metrics.items() if k not in RESULT_KEYS})
    if not isinstance(measured, kind):
        raise TypeError(
            f"{result.check_id} measured a {type(measured).__name__}, not a {kind.__name__}"
        )
    return measured


def verdict(results: Sequence[CheckResult]) -> Status:
    """The gate outcome after waivers: FAIL when any check failed or crashed (an incomplete
    audit cannot vouch), WARN when any warned, else PASS."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses or Status.ERROR in statuses:
        return Status.FAIL
    if Status.WARN in statuses:
        return Status.WARN
    return Status.PASS


@dataclass(frozen=True)
class DimensionScore:
    """A trust dimension's score with the checks that made it."""

    dimension: Dimension
    score: float | None
    """0-100, or None when no check of this dimension produced a judgement."""
    coverage: float
    """Share (0-1) of this dimension's checks that produced a judgement (not skipped/errored)."""
    contributions: tuple[Mapping[str, Any], ...] = ()
    """One entry per check: ``check_id``, ``status``, ``score``, ``basis``, ``weight``,
    ``contribution`` (points of the dimension score), ``coverage`` (see ``scoring``)."""
    capped_by: tuple[str, ...] = ()
    """Checks whose critical failure capped this score at ``scoring.CRITICAL_FAIL_CAP``."""


@dataclass(frozen=True)
class AuditInputs:
    """What was audited."""

    data_path: str
    model_path: str | None
    mode: str
    """``model`` or ``predictions``."""
    task: str
    """``binary``, ``multiclass`` or ``regression``."""
    n_rows: int
    n_columns: int
    target: str | None
    sensitive: tuple[str, ...]
    features: tuple[str, ...]
    positive_label: str | None
    """The positive class: the event the model predicts."""
    predictions_column: str | None = None
    scores_column: str | None = None
    favourable_label: str | None = None
    """The decision that benefits the person (may differ from the positive class)."""
    outcome_statement: str | None = None
    """One line: which decision was treated as favourable, and why."""
    score_statement: str | None = None
    """One line: which way the score points."""


@dataclass(frozen=True)
class Report:
    """A finished audit. Formatters see only this."""

    schema_version: str
    tool_version: str
    created_at: str
    """UTC ISO-8601 time the audit started."""
    inputs: AuditInputs
    policy: Mapping[str, Any]
    policy_sha256: str
    results: tuple[CheckResult, ...]
    scores: tuple[DimensionScore, ...]
    verdict: Status
    """pass, warn or fail, from the policy gate."""
    fail_on: str
    seed: int
    provenance: Mapping[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    notes: tuple[str, ...] = ()
    """Things the run decided on the user's behalf (e.g. detected sensitive columns)."""

    def result(self, check_id: str) -> CheckResult | None:
        return next((r for r in self.results if r.check_id == check_id), None)

    def _repr_html_(self) -> str:
        """Jupyter shows the HTML report, its CSS scoped to the output cell."""
        from trustscan.report import notebook

        return notebook.render(self)

    @property
    def headline(self) -> Headline | None:
        """The finding every output leads with (the rule is in ``trustscan.headline``)."""
        from trustscan.headline import select

        return select(self.results, self.inputs.sensitive)

    @property
    def incomplete(self) -> tuple[str, ...]:
        """Checks that could not run (errored): the audit is incomplete and cannot vouch."""
        return tuple(r.check_id for r in self.results if r.status is Status.ERROR)
