"""The HTML report's sections, in order. Each check names its section in its declaration;
the checks a section lists come from the registry."""

from __future__ import annotations

from dataclasses import dataclass

from trustscan.checks import registry


@dataclass(frozen=True)
class SectionSpec:
    """One report section and what it is for; its checks declare it (``CheckSpec.section``)."""

    id: str
    title: str
    intro: str
    prefixes: tuple[str, ...] = ()
    """Unregistered check ids (from a report of another version) starting with one of these
    also land here."""


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "fairness",
        "Fairness",
        "Does the model select or err at different rates for different groups? Rates are shown "
        "with confidence intervals; the dashed line marks four-fifths of the most-favoured "
        "group's rate.",
        ("fairness.",),
    ),
    SectionSpec(
        "analyses",
        "Data bias and deeper fairness analyses",
        "Was the gap already in the historical labels, and does the model widen it? Does it "
        "survive within a legitimate stratum? Where is it worst? What would group-specific "
        "thresholds buy, and cost? Checks beyond the headline rates, each with the same "
        "evidence rules.",
    ),
    SectionSpec(
        "sensitive-inference",
        "Sensitive inference",
        "Is the model trained to infer a special category, does its output reveal a sensitive "
        "attribute, and which inputs act as proxies for one?",
        ("leakage.",),
    ),
    SectionSpec(
        "explainability",
        "Explainability",
        "Which inputs drive the decisions, would a decision change if only a sensitive attribute "
        "changed, and which features explain the gaps between groups?",
        ("explain.",),
    ),
    SectionSpec(
        "competence",
        "Competence & consistency",
        "Is the model accurate enough, for every group, and does it give the same answer for the "
        "same (or nearly the same) input? Data quality underpins both.",
        ("performance.", "consistency.", "data."),
    ),
    SectionSpec(
        "traceability",
        "Traceability",
        "Can anyone verify exactly which model, data and policy this report is about, with "
        "which software, and who has signed it off?",
        ("trace.",),
    ),
    SectionSpec(
        "consequences",
        "Consequence Scan",
        "What did the team decide to do about the consequences of this model (act, influence, "
        "monitor), and which failing findings has nobody taken responsibility for yet?",
        ("docs.",),
    ),
)


OTHER = SectionSpec("other", "Other checks", "Checks outside the sections above.")


def section_of(check_id: str) -> str:
    """The section id a check's results are shown in ("other" when none claims it)."""
    spec = registry.spec_by_id(check_id)
    if spec is not None and any(s.id == spec.section for s in SECTIONS):
        return spec.section
    if spec is None:
        for section in SECTIONS:
            if check_id.startswith(section.prefixes):
                return section.id
    return OTHER.id


def registered_checks(section_id: str) -> tuple[str, ...]:
    """Ids of the registered checks shown in ``section_id``, in registry order."""
    return tuple(s.id for s in registry.SPECS if section_of(s.id) == section_id)
