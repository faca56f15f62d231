"""`anonymizer heatmap` and `abtest` end to end on offline files: sample, anonymize (JSON lines
and Avro), then the commands; what they print equals the analytics on the records read back."""

from __future__ import annotations

import struct
from dataclasses import asdict
from pathlib import Path

import orjson
import pytest

from pipeline.analytics.abtest import Attribution, table
from pipeline.analytics.heatmap import Heatmap, class_label
from pipeline.cli.main import main
from pipeline.tools.output_reader import FileSource


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A day of sampled traffic, anonymized to JSON lines and to an Avro container."""
    tmp = tmp_path_factory.mktemp("analytics-cli")
    raw = tmp / "raw.jsonl"
    assert main(["sample", "-n", "30000", "--days", "1", "--seed", "2", "-q", "-o", str(raw)]) == 0
    files = {"json": tmp / "out.jsonl", "avro": tmp / "out.avro"}
    for fmt, path in files.items():
        code = main(["anonymize", "-i", str(raw), "-o", str(path), "-r", str(tmp / f"{fmt}.rej"),
                     "--format", fmt, "--quiet"])  # fmt: skip
        assert code == 0
    return files


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("fmt", ["json", "avro"])
def test_heatmap_draws_and_prints_the_panels(
    outputs: dict[str, Path], fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "products.png"
    argv = ["heatmap", "--site", "site-0001", "--url-path", "/products/*", "-i",
            str(outputs[fmt]), "-o", str(png), "-q"]  # fmt: skip
    assert main(argv) == 0
    width, height = _png_size(png)
    assert width > 800 and height > 500
    printed = capsys.readouterr().out
    panels = Heatmap("site-0001", "/products/*").add_all(FileSource(str(outputs[fmt])).records())
    assert len(panels.panels()) >= 3
    for panel in panels.panels():
        line = f"{class_label(panel.name)}: {panel.events:,} taps and clicks, {panel.visitors:,} visitors"
        assert line in printed
    assert f"written: {png}" in printed


def test_heatmap_without_a_match_suggests_paths(
    outputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "none.png"
    argv = ["heatmap", "--site", "site-0001", "--url-path", "/nowhere", "-i",
            str(outputs["json"]), "-o", str(png), "-q"]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "no tap or click of site-0001 on /nowhere" in err and "/products/" in err
    assert not png.exists()


@pytest.mark.parametrize("fmt", ["json", "avro"])
def test_abtest_prints_the_table_and_writes_json_and_plot(
    outputs: dict[str, Path], fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot, doc = tmp_path / "ab.png", tmp_path / "ab.json"
    argv = ["abtest", "-e", "exp-hero-banner-2025q4", "--goal", "add_to_cart", "-i",
            str(outputs[fmt]), "--plot", str(plot), "--json", str(doc), "-q"]  # fmt: skip
    assert main(argv) == 0
    expected = Attribution("exp-hero-banner-2025q4", "add_to_cart")
    result = expected.add_all(FileSource(str(outputs[fmt])).records()).result()
    printed = capsys.readouterr().out
    assert printed.startswith(table(result) + "\n")
    assert [v.variant for v in result.variants] == ["control", "A", "B"]
    assert orjson.loads(doc.read_bytes()) == orjson.loads(orjson.dumps(asdict(result)))
    assert _png_size(plot)[0] > 500
    assert "conversions of goal add_to_cart" in printed


def test_abtest_unknown_experiment_lists_those_seen(
    outputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["abtest", "-e", "exp-nope", "-i", str(outputs["json"]), "-q"]) == 1
    err = capsys.readouterr().err
    assert "no exposure to exp-nope" in err and "exp-free-shipping (" in err


def test_abtest_unknown_control_and_mixed_sources_are_usage_errors(
    outputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["abtest", "-e", "exp-free-shipping", "--control", "x", "-i", str(outputs["json"]), "-q"]
    assert main(argv) == 2
    assert "no exposure to a variant 'x'" in capsys.readouterr().err
    assert main(["abtest", "-e", "e", "-i", str(outputs["json"]), "--topic", "t"]) == 2
    assert "--input reads a file" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["heatmap", "abtest"])
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and f"anonymizer {command} --" in text
    assert "--input" in text and "--topic" in text and "--from" in text and "--to" in text
