"""The shipped lexicon reads the same with libyaml's loader as with PyYAML's pure one."""

from __future__ import annotations

from importlib import resources

import yaml

from trustscan.sensitive.lexicon import load_lexicon, parse_lexicon


def test_lexicon_is_the_pure_python_parse() -> None:
    text = (
        resources.files("trustscan.sensitive")
        .joinpath("special_categories.yaml")
        .read_text(encoding="utf-8")
    )
    assert load_lexicon() == parse_lexicon(yaml.safe_load(text))
