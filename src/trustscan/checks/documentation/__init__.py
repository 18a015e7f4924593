"""Documentation checks: the model card and the consequence scan.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.documentation.measured import ConsequenceScanResult, ModelCardReview
from trustscan.checks.spec import ALL_OTHERS, CheckSpec
from trustscan.types import Dimension, Severity

POLICY_KEYS = (
    "docs.model_card",
    "docs.consequences",
    "docs.require_model_card",
)
"""The policy keys every check of this family reads."""

MODEL_CARD = CheckSpec(
    id="docs.model_card",
    title="Model card",
    dimension=Dimension.OPENNESS,
    default_severity=Severity.MEDIUM,
    description="Reads the model card (docs.model_card, default model_card.yaml) with the sections of "
    "Mitchell et al., 'Model Cards for Model Reporting': model details (owner, authors, "
    "contact, version, licence), intended and out-of-scope uses, factors, metrics, "
    "evaluation and training data, quantitative analyses, ethical considerations, caveats. "
    "Reports completeness and lists missing fields; 'TBD', empty values and 'N/A' without "
    "a reason count as missing. Warns when fields are missing or the card is absent (fails "
    "when docs.require_model_card is true); fails on a card that is not valid YAML. "
    "Fix: `trustscan init`, then fill in every field.",
    implementation="trustscan.checks.documentation.core:ModelCardCheck",
    measured=ModelCardReview,
    section="traceability",
    policy_keys=POLICY_KEYS,
    reads_rows=False,
)

CONSEQUENCE_SCAN = CheckSpec(
    id="docs.consequence_scan",
    title="Consequence scan",
    dimension=Dimension.ACCOUNTABILITY,
    default_severity=Severity.MEDIUM,
    description="Reads the team's Consequence Scanning record (docs.consequences, default "
    "consequences.yaml; Doteveryone's method: intended and unintended consequences, which "
    "positive ones to focus on, which negative ones to mitigate). Each rule is its own "
    "finding: the schema is valid (errors name the line); at least one intended and one "
    "unintended consequence; every negative consequence has a disposition (act, influence, "
    "monitor); every 'act' has an owner and a due date not in the past; every 'monitor' "
    "links a check id; and every failing check of this run is covered by a consequence "
    "linked to its id (warns, listing the uncovered findings). Fix: `trustscan consequences "
    "suggest --report report.json` drafts entries to edit.",
    implementation="trustscan.checks.documentation.core:ConsequenceScanCheck",
    measured=ConsequenceScanResult,
    section="consequences",
    renderer="trustscan.report.html.governance:render_consequence_scan",
    policy_keys=POLICY_KEYS,
    needs=(ALL_OTHERS, "consistency.baseline"),
    reads_rows=False,
)
