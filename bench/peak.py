"""`python -m bench.peak MODULE [ARGS...]`: run MODULE as `python -m MODULE ARGS` would, then write its
peak RSS as one JSON line on stderr ({"peak_kb": ...}).

The peak is VmHWM (bench/probe.py): wait4's ru_maxrss starts from the high-water mark of the process
that forked the child, so a benchmark that once held a big history would make every child look as big.
"""

from __future__ import annotations

import json
import os
import runpy
import sys

from bench.probe import _maxrss_kb


def main() -> int:
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    code: object = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
    os.write(2, ("\n" + json.dumps({"peak_kb": _maxrss_kb()}) + "\n").encode())
    return code if isinstance(code, int) else (0 if code is None else 1)


if __name__ == "__main__":
    raise SystemExit(main())
