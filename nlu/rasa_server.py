"""Starting, watching and stopping ``rasa run --enable-api`` for the trained model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from nlu.rasa_env import RasaEnvError, RasaHome
from nlu.rasa_train import model_path, rasa_environment

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5005
READY_TIMEOUT_S = 300.0


def base_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    return f"http://{host}:{port}"


def loaded_model(url: str) -> str | None:
    """The model file the server at ``url`` has loaded, or None when it does not answer (yet)."""
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as response:
            status = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    model = status.get("model_file") if isinstance(status, dict) else None
    return str(model) if model else None


def wait_until_ready(url: str, process: subprocess.Popen[bytes] | None, timeout_s: float) -> str:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        model = loaded_model(url)
        if model:
            print(f"\n[nlu serve] ready at {url} with {Path(model).name}", file=sys.stderr, flush=True)
            return model
        if process is not None and process.poll() is not None:
            raise RasaEnvError(f"rasa run exited with code {process.returncode} before it was ready")
        print(".", end="", file=sys.stderr, flush=True)
        time.sleep(2)
    raise RasaEnvError(f"rasa did not answer at {url}/status within {timeout_s:.0f} s")


def _command(home: RasaHome, model: Path, host: str, port: int) -> list[str]:
    return [str(home.rasa_bin), "run", "--enable-api", "-i", host, "-p", str(port), "--model", str(model)]


def _tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def running_pid(home: RasaHome) -> int | None:
    try:
        pid = int(home.pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def serve(home: RasaHome, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, detach: bool = False) -> int:
    model = model_path(home)
    if not home.is_set_up() or not model.exists():
        raise RasaEnvError("no trained model for the current training data: run `jingfu nlu train` first")
    url = base_url(host, port)
    if (current := loaded_model(url)) is not None:
        if Path(current).name == model.name:
            print(f"[nlu serve] already running at {url} with {model.name}", file=sys.stderr)
            return 0
        raise RasaEnvError(f"{url} already serves another model ({current}); `jingfu nlu stop` it first")
    print(f"[nlu serve] starting rasa on {url} (loading takes a minute)", end="", file=sys.stderr, flush=True)
    if not detach:
        with subprocess.Popen(
            _command(home, model, host, port), env=rasa_environment(), cwd=home.root
        ) as process:
            try:
                wait_until_ready(url, process, READY_TIMEOUT_S)
                return process.wait()
            except KeyboardInterrupt:
                process.terminate()
                return process.wait()
    with home.server_log.open("wb") as log:
        process = subprocess.Popen(
            _command(home, model, host, port),
            env=rasa_environment(),
            cwd=home.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command; `jingfu nlu stop` ends it by its pid
        )
    home.pid_file.write_text(str(process.pid))
    try:
        wait_until_ready(url, process, READY_TIMEOUT_S)
    except RasaEnvError as exc:
        stop(home)
        raise RasaEnvError(f"{exc}; last lines of {home.server_log}:\n{_tail(home.server_log)}") from exc
    return 0


def stop(home: RasaHome, timeout_s: float = 30.0) -> bool:
    """End the detached server by its recorded pid; False when none was running."""
    pid = running_pid(home)
    home_pid_file = home.pid_file
    if pid is None:
        home_pid_file.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)  # its own session: rasa and anything it spawned
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and running_pid(home) is not None:
        time.sleep(0.5)
    if running_pid(home) is not None:
        os.killpg(pid, signal.SIGKILL)
    home_pid_file.unlink(missing_ok=True)
    return True
