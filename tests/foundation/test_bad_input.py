"""Every kind of bad input: one-line error naming the problem, exit code 2, no output file."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from trustscan.cli import main


class HomeMadeScaler(StandardScaler):  # type: ignore[misc]  # scikit-learn is untyped
    """A custom type that skops must refuse unless the user trusts it."""


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assert_input_error(args: list[str], *expected: str) -> None:
    result = CliRunner().invoke(main, ["scan", *args, "--json", "out.json", "--html", "out.html"])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith("error: "), message
    assert len(message.splitlines()) == 1, message
    for text in expected:
        assert text in message, message
    assert not Path("out.json").exists()
    assert not Path("out.html").exists()
    assert not list(Path(".").glob(".out.*")), "temporary output left behind"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_missing_data_file(in_tmp: Path) -> None:
    assert_input_error(
        ["--data", "nope.csv", "--predictions", "p"], "data file not found", "nope.csv"
    )


def test_missing_model_file(in_tmp: Path, applicants_csv: Path) -> None:
    assert_input_error(
        ["--model", "gone.skops", "--data", str(applicants_csv)], "model file not found"
    )


def test_garbled_csv_with_ragged_rows(in_tmp: Path) -> None:
    write(in_tmp / "bad.csv", 'a,b,p\n1,2,1\n3,4,5,6,7\n"unterminated,1\n')
    assert_input_error(
        ["--data", "bad.csv", "--predictions", "p"], "could not parse CSV", "bad.csv"
    )


def test_binary_file_named_csv(in_tmp: Path) -> None:
    write(in_tmp / "bin.csv", b"\x00\x01\x02PK\x03\x04" * 50)
    assert_input_error(["--data", "bin.csv", "--predictions", "p"], "bin.csv")


def test_header_only_csv(in_tmp: Path) -> None:
    write(in_tmp / "empty.csv", "a,b,p\n")
    assert_input_error(["--data", "empty.csv", "--predictions", "p"], "has a header but no rows")


def test_zero_byte_csv(in_tmp: Path) -> None:
    write(in_tmp / "zero.csv", "")
    assert_input_error(["--data", "zero.csv", "--predictions", "p"], "is empty")


def test_non_utf8_csv_names_the_byte_and_suggests_encoding(in_tmp: Path) -> None:
    write(in_tmp / "latin.csv", "name,p\nJosé,1\nZoë,0\n".encode("latin-1"))
    assert_input_error(
        ["--data", "latin.csv", "--predictions", "p"], "not valid utf-8", "--encoding"
    )


def test_non_utf8_csv_reads_with_encoding_option(in_tmp: Path) -> None:
    write(in_tmp / "latin.csv", "name,x,p\nJosé,1,1\nZoë,2,0\nAnaïs,3,1\n".encode("latin-1"))
    result = CliRunner().invoke(
        main, ["scan", "--data", "latin.csv", "--predictions", "p", "--encoding", "latin-1"]
    )
    assert result.exit_code == 0, result.output


def test_semicolon_delimited_csv_is_detected(in_tmp: Path) -> None:
    write(in_tmp / "semi.csv", "x;g;p\n1;a;1\n2;b;0\n3;a;1\n4;b;0\n")
    result = CliRunner().invoke(
        main, ["scan", "--data", "semi.csv", "--predictions", "p", "--sensitive", "g"]
    )
    assert result.exit_code == 0, result.output


def test_target_column_missing(in_tmp: Path, applicants_csv: Path, pipeline_model: Path) -> None:
    assert_input_error(
        ["--model", str(pipeline_model), "--data", str(applicants_csv), "--target", "outcome"],
        "target column 'outcome' not found",
        "--target",
    )


def test_sensitive_column_missing(in_tmp: Path, applicants_csv: Path, pipeline_model: Path) -> None:
    assert_input_error(
        ["--model", str(pipeline_model), "--data", str(applicants_csv), "--sensitive", "religion"],
        "sensitive column 'religion' not found",
    )


def test_model_features_missing_from_data_are_listed(
    in_tmp: Path, applicants_csv: Path, pipeline_model: Path
) -> None:
    frame = pd.read_csv(applicants_csv).drop(columns=["city", "score"])
    frame.to_csv("partial.csv", index=False)
    assert_input_error(
        ["--model", str(pipeline_model), "--data", "partial.csv"],
        "missing from partial.csv: city, score",
    )


def test_pickle_without_trust_pickle_is_refused(in_tmp: Path, applicants_csv: Path) -> None:
    joblib.dump(LogisticRegression().fit(np.array([[0.0], [1.0]]), [0, 1]), "model.joblib")
    assert_input_error(
        ["--model", "model.joblib", "--data", str(applicants_csv)],
        "arbitrary code",
        "--trust-pickle",
        "skops",
    )


def test_pickle_with_trust_pickle_loads(in_tmp: Path, applicants_csv: Path) -> None:
    frame = pd.read_csv(applicants_csv)
    model = LogisticRegression().fit(frame[["experience", "score"]], frame["hired"])
    joblib.dump(model, "model.pkl")
    result = CliRunner().invoke(
        main, ["scan", "--model", "model.pkl", "--data", str(applicants_csv), "--trust-pickle"]
    )
    assert result.exit_code == 0, result.output


def test_skops_file_with_untrusted_type_lists_it(in_tmp: Path, applicants_csv: Path) -> None:
    import skops.io as sio

    frame = pd.read_csv(applicants_csv)
    sio.dump(HomeMadeScaler().fit(frame[["experience", "score"]]), "custom.skops")
    assert_input_error(
        ["--model", "custom.skops", "--data", str(applicants_csv)],
        "HomeMadeScaler",
        "--trust-type",
    )


def test_unknown_model_extension(in_tmp: Path, applicants_csv: Path) -> None:
    write(in_tmp / "model.h5", b"\x89HDF")
    assert_input_error(
        ["--model", "model.h5", "--data", str(applicants_csv)], "unknown model file type '.h5'"
    )


def test_predictions_column_missing(in_tmp: Path, applicants_csv: Path) -> None:
    assert_input_error(
        ["--data", str(applicants_csv), "--predictions", "decision"],
        "predictions column 'decision' not found",
    )


def test_target_with_a_single_class(in_tmp: Path) -> None:
    write(in_tmp / "one.csv", "x,y,p\n1,1,1\n2,1,0\n3,1,1\n")
    assert_input_error(["--data", "one.csv", "--predictions", "p", "--target", "y"], "single class")


def test_entirely_empty_sensitive_column(in_tmp: Path) -> None:
    write(in_tmp / "s.csv", "x,gender,p\n1,,1\n2,,0\n3,,1\n")
    assert_input_error(
        ["--data", "s.csv", "--predictions", "p", "--sensitive", "gender"],
        "'gender'",
        "entirely empty",
    )


def test_dtype_mismatch_wraps_the_library_error(
    in_tmp: Path, applicants_csv: Path, pipeline_model: Path
) -> None:
    frame = pd.read_csv(applicants_csv)
    frame["experience"] = "ten years"  # text where the model expects numbers
    frame.to_csv("text.csv", index=False)
    assert_input_error(
        ["--model", str(pipeline_model), "--data", "text.csv"],
        "the model failed to predict",
        "type the model was trained with",
    )


def test_no_model_and_no_predictions(in_tmp: Path, applicants_csv: Path) -> None:
    assert_input_error(["--data", str(applicants_csv)], "nothing to audit")


def test_unknown_policy_key_names_key_and_allowed_values(
    in_tmp: Path, applicants_csv: Path
) -> None:
    write(in_tmp / "trustscan.toml", "[fairness]\nimpact_ratio_minimum = 0.7\n")
    assert_input_error(
        ["--data", str(applicants_csv), "--predictions", "hired"],
        "fairness.impact_ratio_minimum",
        "impact_ratio_min",
    )


def test_bad_policy_value_type(in_tmp: Path, applicants_csv: Path) -> None:
    write(in_tmp / "trustscan.toml", 'fail_on = "sometimes"\n')
    assert_input_error(
        ["--data", str(applicants_csv), "--predictions", "hired"], "fail_on", "never"
    )


def test_invalid_toml(in_tmp: Path, applicants_csv: Path) -> None:
    write(in_tmp / "trustscan.toml", "target = \n")
    assert_input_error(["--data", str(applicants_csv), "--predictions", "hired"], "invalid TOML")


def test_ambiguous_text_labels_need_favourable_label(in_tmp: Path) -> None:
    write(in_tmp / "t.csv", "x,g,decision\n1,a,red\n2,b,blue\n3,a,red\n4,b,blue\n")
    assert_input_error(
        ["--data", "t.csv", "--predictions", "decision", "--sensitive", "g"],
        "'red'",
        "--favourable-label",
    )


def test_positive_label_option_resolves_text_labels(in_tmp: Path) -> None:
    write(in_tmp / "t.csv", "x,g,decision\n1,a,approved\n2,b,denied\n3,a,approved\n4,b,denied\n")
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "--data",
            "t.csv",
            "--predictions",
            "decision",
            "--sensitive",
            "g",
            "--positive-label",
            "approved",
            "--json",
            "r.json",
            "--fail-on",
            "never",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"positive_label": "approved"' in Path("r.json").read_text()


def test_unknown_positive_label_is_rejected(in_tmp: Path) -> None:
    write(in_tmp / "t.csv", "x,decision\n1,approved\n2,denied\n")
    assert_input_error(
        ["--data", "t.csv", "--predictions", "decision", "--positive-label", "yes please"],
        "--positive-label 'yes please' is not one of the labels",
    )
