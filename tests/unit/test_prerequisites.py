"""`make test` checks what must already be on the PATH and names what is missing, in one line."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "devstack" / "check-prerequisites.sh"
TOOLS = {
    "python3.11": "#!/bin/sh\nexit 0\n",  # the version check passes
    "java": "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n",
    "mvn": "#!/bin/sh\nexit 0\n",
    "node": "#!/bin/sh\necho v20.20.2\n",
}


def _check(tmp_path: Path, tools: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The script with nothing on the PATH but ``tools`` (stand-ins) and what it runs itself."""
    for name in ("sed", "head"):
        (tmp_path / name).symlink_to(shutil.which(name) or f"/usr/bin/{name}")
    for name, body in tools.items():
        path = tmp_path / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return subprocess.run(
        ["/bin/sh", str(SCRIPT), *args],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )


def test_given_every_prerequisite_then_the_check_passes_quietly(tmp_path: Path) -> None:
    result = _check(tmp_path, TOOLS, "python3.11", "node")

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"python3.11": "#!/bin/sh\nexit 1\n"}, "Python 3.11 or newer"),
        ({"java": None}, "Java 17 or newer ('java')"),
        ({"java": "#!/bin/sh\necho 'openjdk version \"11.0.2\"' >&2\n"}, "Java 17 or newer (found '11')"),
        ({"mvn": None}, "Maven"),
        ({"node": None}, "Node.js 20 or newer ('node'"),
        ({"node": "#!/bin/sh\necho v18.19.0\n"}, "Node.js 20 or newer (found '18')"),
    ],
)
def test_given_a_missing_or_old_prerequisite_then_one_line_names_it_and_how_to_get_it(
    tmp_path: Path, change: dict[str, str | None], named: str
) -> None:
    tools = {name: body for name, body in {**TOOLS, **change}.items() if body is not None}

    result = _check(tmp_path, tools, "python3.11", "node")

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert named in result.stderr
    assert "apt-get install" in result.stderr


def test_given_make_run_then_node_is_not_required(tmp_path: Path) -> None:
    tools = {name: body for name, body in TOOLS.items() if name != "node"}

    assert _check(tmp_path, tools, "python3.11").returncode == 0
