"""`poses`: every pose with its figure; `poses ID` one pose drawn; `--json` the joint coordinates (README)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tracker.cli.common import BAD_INPUT, OK, Io, _service

if TYPE_CHECKING:
    from tracker.model import Pose

POSES_JSON_VERSION = 1  # of `poses --json`; fields are only ever added
DRAWING = (40, 9)  # columns and rows of `poses ID`'s drawing of each keyframe


def pose_json(pose: Pose) -> dict[str, object]:
    from tracker.content.reader_figure import as_dict

    return {
        "id": pose.id,
        "name": pose.name,
        "sided": pose.sided,
        "figure": dict(as_dict(pose.figure)) if pose.figure else None,
    }


def cmd_poses(args: argparse.Namespace, io: Io) -> int:
    with _service(args, io) as service:
        poses = service.library.poses
        if args.id is not None and args.id not in poses:
            io.warn(f"unknown pose {args.id!r}; `backroll poses` lists them")
            return BAD_INPUT
        chosen = [poses[args.id]] if args.id else sorted(poses.values(), key=lambda p: p.id)
        if args.json:
            io.print(
                json.dumps(
                    {"version": POSES_JSON_VERSION, "poses": [pose_json(p) for p in chosen]},
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return OK
        if args.id is None:
            width = max(len(p.id) for p in chosen)
            io.print(f"{'ID':<{width}}  {'VIEW':<5}  KEYFRAMES{'':<14}  NAME")
            for p in chosen:
                fig = p.figure
                frames = " > ".join(k.name for k in fig.keyframes) if fig else "-"
                view = (fig.view if fig.floor else "above") if fig else "-"
                side = " (one side at a time: drawn on the left)" if p.sided else ""
                io.print(f"{p.id:<{width}}  {view:<5}  {frames:<23}  {p.name}{side}")
            return OK
        pose = chosen[0]
        io.print(
            pose.name + (" (drawn on the left side; the right is its mirror image)" if pose.sided else "")
        )
        if pose.figure is None:
            io.print("(no figure)")
            return OK
        from tracker.braille import plain_lines
        from tracker.figure import frame, keyframe_phases

        for name, phase in keyframe_phases(pose.figure):
            io.print("")
            io.print(f"{name}:" + ("  (seen from above)" if not pose.figure.floor else ""))
            for line in plain_lines(frame(pose.figure, phase), *DRAWING):
                io.print(line)
    return OK
