"""Every input error is exit 2 with one short line and no output: the cases that used to
exit 3, and the message hygiene (capped names, plain numbers, notes for ignored options)."""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import trustscan
from trustscan.cli import main
from trustscan.config import split_column_list
from trustscan.errors import InputError

from .conftest import temp_files


def frame(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"g": rng.choice(["a", "b"], n), "p": rng.integers(0, 2, n), "y": rng.integers(0, 2, n)}
    )


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["scan", "--no-ledger", "-q", "--json", "o.json", "--html", "o.html", *args]
    )
    return result.exit_code, result.output


def assert_one_line_exit_2(code: int, output: str, *expected: str, folder: Path) -> None:
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert len(lines[0]) < 700, len(lines[0])
    for text in expected:
        assert text in lines[0], lines[0]
    assert not (folder / "o.json").exists() and not (folder / "o.html").exists()
    assert temp_files(folder) == []


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_unknown_encoding(in_tmp: Path, suffix: str) -> None:
    frame().to_csv(in_tmp / f"d{suffix}", sep="\t" if suffix == ".tsv" else ",", index=False)
    code, output = scan(
        "--data", f"d{suffix}", "--predictions", "p", "-s", "g", "--encoding", "nope"
    )
    assert_one_line_exit_2(code, output, "unknown encoding 'nope'", folder=in_tmp)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["-s", "y", "--target", "y"], "also the --target column", id="target"),
        pytest.param(["-s", "p"], "also the --predictions column", id="decisions"),
        pytest.param(["-s", "g", "--threshold", "nan"], "threshold nan is not a number", id="nan"),
        # An empty list is a slip (an unset shell variable), not a request for the default.
        pytest.param(["-s", ""], "--sensitive was given but names no column", id="no-sensitive"),
        pytest.param(["-s", "g", "--features", " , "], "--features was given", id="no-features"),
    ],
)
def test_a_column_in_two_roles_or_a_threshold_that_is_no_number(
    in_tmp: Path, args: list[str], expected: str
) -> None:
    """Grouping people by their own outcome or decision makes every rate 0 or 1: a framing
    error, not a finding."""
    frame().to_csv(in_tmp / "d.csv", index=False)
    code, output = scan("--data", "d.csv", "--predictions", "p", *args)
    assert_one_line_exit_2(code, output, expected, folder=in_tmp)


@pytest.mark.parametrize("target", [True, False], ids=["with-target", "without-target"])
def test_scores_named_as_decisions(in_tmp: Path, target: bool) -> None:
    """Probabilities passed as --predictions would select almost nobody (a decision equal to
    1): refused, with the option that reads them as scores."""
    data = frame().assign(s=np.linspace(0.01, 0.99, 120))
    data.to_csv(in_tmp / "d.csv", index=False)
    code, output = scan(
        "--data", "d.csv", "--predictions", "s", "-s", "g", *(["--target", "y"] if target else [])
    )
    assert_one_line_exit_2(
        code, output, "'s' holds 120 fractional values", "--scores s", folder=in_tmp
    )


def test_a_regressor_on_a_yes_no_outcome_is_refused() -> None:
    from sklearn.linear_model import LinearRegression

    data = frame()
    model = LinearRegression().fit(data[["p"]], data["y"])
    with pytest.raises(InputError, match="predicts continuous values"):
        trustscan.audit(data=data, model=model, target="y", sensitive="g", features=["p"])


def test_known_encoding_passes(in_tmp: Path) -> None:
    frame().to_csv(in_tmp / "d.csv", index=False, encoding="latin-1")
    code, output = scan("--data", "d.csv", "--predictions", "p", "-s", "g", "--encoding", "latin-1")
    assert code in (0, 1), output


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            lambda raw: gzip.compress(raw)[: len(gzip.compress(raw)) // 2], id="truncated"
        ),
        pytest.param(lambda raw: raw, id="not-gzip"),
        pytest.param(lambda raw: gzip.compress(raw)[:10] + b"\xff" * 50, id="corrupt"),
    ],
)
def test_corrupt_csv_gz(in_tmp: Path, content: object) -> None:
    raw = frame(5000).to_csv(index=False).encode()
    (in_tmp / "d.csv.gz").write_bytes(content(raw))  # type: ignore[operator]
    code, output = scan("--data", "d.csv.gz", "--predictions", "p", "-s", "g")
    assert_one_line_exit_2(code, output, "d.csv.gz", folder=in_tmp)


def test_intact_csv_gz_passes(in_tmp: Path) -> None:
    (in_tmp / "d.csv.gz").write_bytes(gzip.compress(frame().to_csv(index=False).encode()))
    code, output = scan("--data", "d.csv.gz", "--predictions", "p", "-s", "g")
    assert code in (0, 1), output


@pytest.fixture()
def nested_parquet(in_tmp: Path) -> Path:
    data = frame()
    n = len(data)
    table = pa.table(
        {
            "g": data["g"],
            "p": data["p"],
            "y": data["y"],
            "lst": pa.array([[1, 2]] * n),
            "st": pa.array([{"a": 1}] * n),
            "mp": pa.array([[("k", 1)]] * n, type=pa.map_(pa.string(), pa.int64())),
        }
    )
    pq.write_table(table, in_tmp / "nested.parquet")
    return in_tmp / "nested.parquet"


@pytest.mark.parametrize(
    "role",
    [
        ["-s", "lst"],
        ["-s", "st"],
        ["-s", "g", "-s", "mp"],
        ["-s", "g", "--target", "lst"],
    ],
)
def test_nested_parquet_column_as_sensitive_or_target(
    nested_parquet: Path, role: list[str]
) -> None:
    code, output = scan("--data", str(nested_parquet), "--predictions", "p", *role)
    assert_one_line_exit_2(code, output, "nested Parquet type", folder=nested_parquet.parent)


def test_nested_parquet_as_decisions(nested_parquet: Path) -> None:
    code, output = scan("--data", str(nested_parquet), "--predictions", "lst", "-s", "g")
    assert_one_line_exit_2(code, output, "--predictions column 'lst'", folder=nested_parquet.parent)


def test_nested_parquet_columns_elsewhere_are_audited_data_quality_included(
    nested_parquet: Path,
) -> None:
    import json

    code, output = scan(
        "--data", str(nested_parquet), "--predictions", "p", "-s", "g", "--target", "y"
    )
    assert code in (0, 1), output
    report = json.loads((nested_parquet.parent / "o.json").read_text())
    quality = next(r for r in report["results"] if r["check_id"] == "data.quality")
    assert quality["status"] != "error", quality


def test_output_under_a_file(in_tmp: Path) -> None:
    frame().to_csv(in_tmp / "d.csv", index=False)
    (in_tmp / "f").write_text("x")
    result = CliRunner().invoke(
        main, ["scan", "--no-ledger", "--data", "d.csv", "--predictions", "p", "--json", "f/o.json"]
    )
    assert result.exit_code == 2 and "is a file, not a folder" in result.output


def test_a_huge_column_name_is_not_echoed_whole(in_tmp: Path) -> None:
    frame().to_csv(in_tmp / "d.csv", index=False)
    huge = "x" * 1_000_000
    code, output = scan("--data", "d.csv", "--predictions", "p", "-s", huge)
    assert code == 2
    assert len(output) < 1000 and len(output.strip().splitlines()) == 1


def test_numbers_in_messages_are_plain() -> None:
    message = InputError(f"labels {[np.int64(0), np.float64(0.5)]} {np.True_!r}").one_line()
    assert message == "labels [0, 0.5] True"
    assert "np." not in InputError(f"{np.str_('a')!r}").one_line()


def test_trust_type_in_predictions_mode_is_noted(in_tmp: Path) -> None:
    frame().to_csv(in_tmp / "d.csv", index=False)
    args = ["scan", "--no-ledger", "--data", "d.csv", "--predictions", "p", "-s", "g"]
    result = CliRunner().invoke(main, [*args, "--trust-type", "x.Y", "--json", "o.json"])
    assert result.exit_code in (0, 1)
    assert "note: --trust-type has no effect in predictions mode" in result.output
    plain = CliRunner().invoke(main, [*args, "--json", "o.json"])
    assert "--trust-type" not in plain.output


@pytest.mark.parametrize(("column", "task"), [("tier", "multiclass"), ("amount", "regression")])
def test_outcome_labels_given_for_a_task_without_them_are_noted(
    in_tmp: Path, column: str, task: str
) -> None:
    """--favourable-label on a multi-class or regression audit used to vanish without a word."""
    data = frame()
    data["tier"] = np.resize(["gold", "silver", "bronze"], len(data))
    data["amount"] = np.linspace(0.5, 99.5, len(data))
    data.to_csv(in_tmp / "d.csv", index=False)
    args = ["scan", "--no-ledger", "--data", "d.csv", "--predictions", column, "-s", "g"]
    result = CliRunner().invoke(main, [*args, "--favourable-label", "gold", "--json", "o.json"])
    assert result.exit_code in (0, 1), result.output
    notes = json.loads((in_tmp / "o.json").read_text())["notes"]
    assert any(
        n.startswith(f"Ignored --favourable-label gold: this is a {task} task") for n in notes
    )


def test_columns_with_commas_can_be_named() -> None:
    assert split_column_list(['"last, first",age', "a\\, b", "c,d"]) == (
        "last, first",
        "age",
        "a, b",
        "c",
        "d",
    )


def test_a_column_with_a_comma_is_audited(in_tmp: Path) -> None:
    data = frame().rename(columns={"g": "group, coarse"})
    data.to_csv(in_tmp / "d.csv", index=False)
    code, output = scan("--data", "d.csv", "--predictions", "p", "-s", '"group, coarse"')
    assert code in (0, 1), output


@pytest.mark.parametrize("quiet", [True, False])
def test_library_warnings_stay_off_stderr_under_quiet(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    import warnings

    audit = importlib.import_module("trustscan.pipeline")

    real = audit.run_audit

    def noisy(*args: object, **kwargs: object) -> object:
        warnings.warn_explicit(
            "a library complains", FutureWarning, "frame.py", 1, module="pandas.core.frame"
        )
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "run_audit", noisy)
    frame().to_csv(in_tmp / "d.csv", index=False)
    args = ["scan", "--no-ledger", "--data", "d.csv", "--predictions", "p", "-s", "g"]
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        result = CliRunner().invoke(main, [*args, "--json", "o.json", *(["-q"] if quiet else [])])
    assert result.exit_code in (0, 1), result.output
    assert any("a library complains" in str(w.message) for w in shown) is not quiet


def test_onnx_model_without_feature_names_beside_extra_columns(
    in_tmp: Path,
) -> None:
    pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"g": rng.choice(["a", "b"], 200), "x1": rng.normal(size=200), "x2": rng.normal(size=200)}
    )
    data["y"] = (data["x1"] > 0).astype(int)
    data["city"] = "north"
    model = LogisticRegression().fit(data[["x1", "x2"]].to_numpy(np.float32), data["y"])
    onnx = to_onnx(model, data[["x1", "x2"]].to_numpy(np.float32)[:1])
    (in_tmp / "m.onnx").write_bytes(onnx.SerializeToString())
    data.to_csv(in_tmp / "d.csv", index=False)
    base = ["--model", "m.onnx", "--data", "d.csv", "--target", "y", "-s", "g"]
    code, output = scan(*base)
    assert_one_line_exit_2(code, output, "takes 2 features", "--features", folder=in_tmp)
    code, output = scan(*base, "--features", "x1,city")
    assert_one_line_exit_2(code, output, "do not convert", folder=in_tmp)
    code, output = scan(*base, "--features", "x1,x2")
    assert code in (0, 1), output


@pytest.mark.parametrize("role", ["--predictions", "--target"])
def test_a_free_text_column_is_not_a_set_of_classes(in_tmp: Path, role: str) -> None:
    """One distinct text per row audited as classes gave one group per row and an 'output
    that predicts sex with AUC 1.00': refused, naming the column."""
    data = frame()
    data["note"] = [f"call back {i}" for i in range(len(data))]
    data.to_csv(in_tmp / "d.csv", index=False)
    other = ["--predictions", "p"] if role == "--target" else []
    code, output = scan("--data", "d.csv", role, "note", *other, "-s", "g")
    role_name = role.removeprefix("--")
    expected = f"{role_name} column 'note' has 120 distinct labels, more than the 50 classes"
    assert_one_line_exit_2(code, output, expected, folder=in_tmp)


def test_a_multiclass_log_with_a_few_text_labels_is_audited(in_tmp: Path) -> None:
    data = frame()
    data["tier"] = np.resize(["gold", "silver", "bronze"], len(data))
    data.to_csv(in_tmp / "d.csv", index=False)
    code, output = scan("--data", "d.csv", "--predictions", "tier", "-s", "g")
    assert code in (0, 1), output
    assert json.loads((in_tmp / "o.json").read_text())["inputs"]["task"] == "multiclass"


def test_a_model_fitted_on_an_array_beside_extra_columns(in_tmp: Path) -> None:
    """A scikit-learn model fitted on a NumPy array records its width, not its column names:
    every other column was passed and it failed on a text column with a library error."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"g": rng.choice(["a", "b"], 200), "x1": rng.normal(size=200), "x2": rng.normal(size=200)}
    )
    data["y"] = (data["x1"] > 0).astype(int)
    data["city"] = rng.choice(["north", "south"], 200)
    sio.dump(LogisticRegression().fit(data[["x1", "x2"]].to_numpy(), data["y"]), in_tmp / "m.skops")
    data.to_csv(in_tmp / "d.csv", index=False)
    base = ["--model", "m.skops", "--data", "d.csv", "--target", "y", "-s", "g"]
    code, output = scan(*base)
    expected = "the model takes 2 inputs and records no column names, but 3 columns"
    assert_one_line_exit_2(code, output, expected, "(x1, x2, city)", "--features", folder=in_tmp)
    code, output = scan(*base, "--features", "x1,x2")
    assert code in (0, 1), output


def test_decisions_in_other_labels_than_the_outcome_are_refused(in_tmp: Path) -> None:
    """COMPAS's score_text (High / Medium / Low) beside two_year_recid (0/1): no decision
    equalled an outcome label, every selection rate was 0 and the audit passed."""
    data = frame()
    data["risk"] = np.resize(["High", "Medium", "Low"], len(data))
    data.to_csv(in_tmp / "d.csv", index=False)
    code, output = scan("--data", "d.csv", "--predictions", "risk", "--target", "y", "-s", "g")
    expected = "predictions column 'risk' holds labels the target 'y' never takes (High, Low"
    assert_one_line_exit_2(code, output, expected, "the target's are 0, 1", folder=in_tmp)


def test_decisions_as_text_or_booleans_of_the_outcome_labels_are_audited(in_tmp: Path) -> None:
    data = frame()
    data["p_text"] = data["p"].astype(str)
    data["p_bool"] = data["p"].astype(bool)
    data.to_csv(in_tmp / "d.csv", index=False)
    for column in ("p_text", "p_bool"):
        code, output = scan("--data", "d.csv", "--predictions", column, "--target", "y", "-s", "g")
        assert code in (0, 1), output


def test_decisions_with_empty_rows_are_refused_with_the_count_and_the_fix(in_tmp: Path) -> None:
    """carData's SLID logs no wage for 3,278 of 7,425 people: an audit of the rest would be
    of another population, so the user decides."""
    data = frame().astype({"p": float})
    data.loc[[3, 7, 11], "p"] = np.nan
    data.to_csv(in_tmp / "d.csv", index=False)
    code, output = scan("--data", "d.csv", "--predictions", "p", "-s", "g")
    assert_one_line_exit_2(
        code, output, "'p' has 3 empty values out of 120", "drop the rows", folder=in_tmp
    )
