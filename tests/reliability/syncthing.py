"""Two real Syncthing instances on 127.0.0.1 sharing one folder: the harness of the issue-18 end-to-end test.

`SyncthingPair(root, folder_a, folder_b)` generates two Syncthing homes
(`syncthing generate`), writes their config.xml for local-only use (GUI and
sync listener on free loopback ports, each knowing the other at
tcp://127.0.0.1:PORT; global and local discovery, relays, NAT traversal,
usage reporting, crash reporting and upgrades all off), starts both
(`syncthing serve`), and drives them through the REST API with each one's
API key: pause/resume the link (/rest/system/pause, /rest/system/resume),
rescan (/rest/db/scan), and wait until both are idle and in sync
(/rest/db/status, /rest/db/completion). Every wait is bounded; `close()`
stops both processes (terminate, then kill) whatever happened.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.processes import free_port, stop_group

FOLDER_ID = "backroll-data"


def syncthing_binary() -> str | None:
    return shutil.which("syncthing")


@dataclass
class Instance:
    name: str
    home: Path  # Syncthing's own config and database
    folder: Path  # the shared folder (a Backroll home's data folder)
    gui_port: int
    listen_port: int
    api_key: str
    device_id: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gui_port}"

    def rest(self, method: str, path: str, timeout: float = 10.0) -> Any:
        request = urllib.request.Request(self.url + path, method=method, headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body.strip() else None


class SyncthingPair:
    def __init__(self, root: Path, folder_a: Path, folder_b: Path, binary: str = "syncthing") -> None:
        self.root = root
        self.binary = binary
        self.a = self._make("a", folder_a)
        self.b = self._make("b", folder_b)
        self._configure(self.a, self.b)
        self._configure(self.b, self.a)

    def _make(self, name: str, folder: Path) -> Instance:
        home = self.root / f"syncthing-{name}"
        result = subprocess.run(
            [self.binary, "generate", f"--home={home}", "--no-default-folder"],
            capture_output=True, text=True, timeout=60, env=self._env(),
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"syncthing generate failed: {result.stderr or result.stdout}")
        tree = ET.parse(home / "config.xml")
        device = tree.getroot().find("device")
        assert device is not None
        return Instance(
            name, home, folder, free_port(), free_port(), secrets.token_hex(16), device.get("id", "")
        )

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(STNOUPGRADE="1", STNODEFAULTFOLDER="1", STNORESTART="1", HOME=str(self.root))
        return env

    def _configure(self, me: Instance, peer: Instance) -> None:
        path = me.home / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        for old in root.findall("device") + root.findall("folder"):
            root.remove(old)

        def device(parent: ET.Element, inst: Instance) -> ET.Element:
            d = ET.SubElement(
                parent,
                "device",
                id=inst.device_id,
                name=inst.name,
                compression="metadata",
                introducer="false",
            )
            ET.SubElement(d, "address").text = f"tcp://127.0.0.1:{inst.listen_port}"
            ET.SubElement(d, "paused").text = "false"
            ET.SubElement(d, "autoAcceptFolders").text = "false"
            return d

        device(root, me)
        device(root, peer)
        folder = ET.SubElement(
            root, "folder", id=FOLDER_ID, label="Backroll", path=str(me.folder), type="sendreceive",
            rescanIntervalS="3600", fsWatcherEnabled="true", fsWatcherDelayS="1", ignorePerms="false",
        )  # fmt: skip
        ET.SubElement(folder, "filesystemType").text = "basic"
        for inst in (me, peer):
            ET.SubElement(folder, "device", id=inst.device_id, introducedBy="")
        ET.SubElement(folder, "minDiskFree", unit="%").text = "0"
        ET.SubElement(folder, "maxConflicts").text = "10"
        ET.SubElement(folder, "paused").text = "false"
        gui = root.find("gui")
        assert gui is not None
        gui.set("tls", "false")
        gui.find("address").text = f"127.0.0.1:{me.gui_port}"  # type: ignore[union-attr]
        gui.find("apikey").text = me.api_key  # type: ignore[union-attr]
        options = root.find("options")
        assert options is not None
        local_only = {
            "listenAddress": f"tcp://127.0.0.1:{me.listen_port}",
            "globalAnnounceEnabled": "false",
            "localAnnounceEnabled": "false",
            "relaysEnabled": "false",
            "natEnabled": "false",
            "urAccepted": "-1",
            "urSeen": "3",
            "crashReportingEnabled": "false",
            "autoUpgradeIntervalH": "0",
            "startBrowser": "false",
            "reconnectionIntervalS": "1",
            "announceLANAddresses": "false",
            "stunServer": "",
        }
        for key, value in local_only.items():
            for node in options.findall(key):
                options.remove(node)
            ET.SubElement(options, key).text = value
        tree.write(path)

    # -- running

    def start(self, timeout: float = 60.0) -> None:
        for inst in (self.a, self.b):
            log = open(inst.home / "syncthing.log", "wb")
            inst.process = subprocess.Popen(
                [self.binary, "serve", f"--home={inst.home}", "--no-browser", "--no-restart", "--no-upgrade",
                 f"--gui-address=http://127.0.0.1:{inst.gui_port}", f"--gui-apikey={inst.api_key}"],
                stdout=log, stderr=subprocess.STDOUT, env=self._env(), start_new_session=True,
            )  # fmt: skip
            log.close()
        self.wait(
            lambda: all(self._pong(i) for i in (self.a, self.b)), timeout, "both Syncthing GUIs to answer"
        )

    def _pong(self, inst: Instance) -> bool:
        if inst.process is not None and inst.process.poll() is not None:
            raise RuntimeError(f"syncthing {inst.name} exited: {self.log(inst)[-2000:]}")
        try:
            return bool(inst.rest("GET", "/rest/system/ping", timeout=2).get("ping") == "pong")
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def log(self, inst: Instance) -> str:
        try:
            return (inst.home / "syncthing.log").read_text(errors="replace")
        except OSError:
            return ""

    def connected(self) -> bool:
        try:
            found = self.a.rest("GET", "/rest/system/connections")["connections"].get(self.b.device_id, {})
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            return False
        return bool(found.get("connected"))

    def peer_addresses(self) -> list[str]:
        """Where each instance reaches the other (both must be 127.0.0.1:PORT)."""
        found = []
        for me, peer in ((self.a, self.b), (self.b, self.a)):
            found.append(
                str(
                    me.rest("GET", "/rest/system/connections")["connections"][peer.device_id].get(
                        "address", ""
                    )
                )
            )
        return found

    def pause(self) -> None:
        self.a.rest("POST", f"/rest/system/pause?device={self.b.device_id}")
        self.b.rest("POST", f"/rest/system/pause?device={self.a.device_id}")

    def resume(self) -> None:
        self.a.rest("POST", f"/rest/system/resume?device={self.b.device_id}")
        self.b.rest("POST", f"/rest/system/resume?device={self.a.device_id}")

    def scan(self) -> None:
        for inst in (self.a, self.b):
            inst.rest("POST", f"/rest/db/scan?folder={FOLDER_ID}", timeout=60)

    def in_sync(self) -> bool:
        """Both idle, nothing needed, and each 100% complete for the other."""
        try:
            for me, peer in ((self.a, self.b), (self.b, self.a)):
                status = me.rest("GET", f"/rest/db/status?folder={FOLDER_ID}")
                if status.get("state") != "idle" or status.get("needTotalItems", status.get("needFiles", 0)):
                    return False
                done = me.rest("GET", f"/rest/db/completion?folder={FOLDER_ID}&device={peer.device_id}")
                if done.get("completion") != 100 or done.get("needItems", 0):
                    return False
        except (OSError, urllib.error.URLError, ValueError):
            return False
        return True

    def wait(self, condition: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.25)
        raise TimeoutError(f"waited {timeout:.0f}s for {what}")

    def settle(self, timeout: float = 90.0) -> None:
        """Rescan both sides and wait until they agree (twice in a row, a second apart)."""
        self.wait(self.connected, timeout, "the two Syncthing instances to connect")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.scan()
            if self.in_sync():
                time.sleep(1.0)
                self.scan()
                if self.in_sync():
                    return
            time.sleep(0.5)
        raise TimeoutError(f"waited {timeout:.0f}s for the two folders to be in sync")

    def close(self) -> None:
        for inst in (self.a, self.b):
            if inst.process is not None:
                stop_group(inst.process, wait=10)

    def __enter__(self) -> SyncthingPair:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
