"""tlsmc.executors.heap: the glibc heap thresholds are set once, and never over the user's."""
from __future__ import annotations

import subprocess
import sys

CHILD = ("import tlsmc.executors.heap as h; print(h.retain_heap(), h.retain_heap(), "
         "h._state)")


def _child(env_extra: dict[str, str]) -> str:
    import os
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_MMAP_THRESHOLD_",
                                                            "MALLOC_TRIM_THRESHOLD_",
                                                            "GLIBC_TUNABLES")}
    out = subprocess.run([sys.executable, "-c", CHILD], env={**env, **env_extra},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_thresholds_set_once_on_glibc():
    want = "True True {'done': True}" if sys.platform.startswith("linux") else "False False"
    assert _child({}).startswith(want)


def test_user_environment_wins():
    assert _child({"MALLOC_TRIM_THRESHOLD_": "1000000"}) == "False False {'done': False}"
    assert _child({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1000000"}) == (
        "False False {'done': False}")
