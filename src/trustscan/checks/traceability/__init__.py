"""Traceability checks: provenance and software compatibility.

Declarations only (light to import): the implementations are loaded when a check runs.
"""

from __future__ import annotations

from trustscan.checks.spec import CheckSpec
from trustscan.checks.traceability.measured import Compatibility, Provenance
from trustscan.types import Dimension, Severity

PROVENANCE = CheckSpec(
    id="trace.provenance",
    title="Provenance of the audited artifacts",
    dimension=Dimension.ACCOUNTABILITY,
    default_severity=Severity.HIGH,
    description="Records what exactly was audited so a reviewer can verify it later: the SHA-256 of the "
    "model file, the data file and the config file, the hash of the effective policy, the "
    "versions of trustscan, Python, scikit-learn, pandas, numpy, fairlearn and skops, the "
    "platform, the git commit and dirty flag of the repository holding the model, the UTC "
    "start time, the seed and the command line. Fails when an artifact's hash differs from "
    "provenance.expected_sha256 in the policy. Fix: audit the artifact named in the "
    "manifest, or update the manifest after reviewing why the file changed.",
    implementation="trustscan.checks.traceability.core:ProvenanceCheck",
    section="traceability",
    renderer="trustscan.report.html.governance:render_provenance",
    policy_keys=("provenance.expected_sha256",),
    measured=Provenance,
    reads_rows=False,
)

COMPATIBILITY = CheckSpec(
    id="trace.compatibility",
    title="Model / software / data compatibility",
    dimension=Dimension.INTEGRITY,
    default_severity=Severity.MEDIUM,
    description="Compares the scikit-learn version the model was saved with (from the skops file's "
    "schema and scikit-learn's InconsistentVersionWarning at load time) with the installed "
    "one, and the model's expected input columns and types with the data's: missing "
    "feature names (columns matched by position), numbers stored as text, and category "
    "values the encoders never saw in training. Warns on each. Fix: audit in an environment "
    "pinned to the training versions or re-validate and re-save the model; align the data's "
    "columns and types with the training data.",
    implementation="trustscan.checks.traceability.core:CompatibilityCheck",
    section="traceability",
    policy_keys=("provenance.expected_sha256",),
    measured=Compatibility,
    reads_rows=False,
)
