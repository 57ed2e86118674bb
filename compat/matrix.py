#!/usr/bin/env python3
"""The third-party client matrix (DESIGN section 7, tier 4): starts each target (Apache Kafka, one
Varve node, a three-node Varve cluster) in turn on 127.0.0.1, runs every client's scenario against it,
stops it, and rewrites docs/compatibility.md below its marker. Started by compat/run.sh, which
installs the clients first; standard library only.

Exit status: 0 when every check that passes against Kafka passes against each Varve target run (and
every check passes against Kafka); 1 otherwise, unless --report-only; 2 when a target cannot start.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS_DIR = ROOT / "compat" / "clients"
RESULTS_DIR = ROOT / "compat" / "results"
DOC = ROOT / "docs" / "compatibility.md"
MARKER = "<!-- Everything below is written by compat/run.sh; edit above this line. -->"
TARGETS = ["kafka", "varve", "varve3"]
TARGET_TITLES = {"kafka": "Apache Kafka 4.3.1", "varve": "Varve, one node", "varve3": "Varve, three nodes"}
START_TIMEOUT_S = 300  # generous: a loaded 2-core machine has taken over 2 minutes to start Kafka
CLIENT_TIMEOUT_S = 240

# name -> (title, command); {py} is Debian's /usr/bin/python3, {node} node, {npm} the npm cache.
CLIENTS = {
    "kcat": ("kcat (librdkafka, Debian)", ["{py}", "kcat_cli.py"]),
    "confluent-kafka-python": ("confluent-kafka for Python (librdkafka, Debian)", ["{py}", "confluent_kafka_py.py"]),
    "kafka-python": ("kafka-python (Debian)", ["{py}", "kafka_python.py"]),
    "kafkajs": ("KafkaJS (npm)", ["node", "kafkajs_scenario.js", "kafkajs"]),
    "confluent-kafka-javascript": ("@confluentinc/kafka-javascript (npm, librdkafka built here)",
                                   ["node", "kafkajs_scenario.js", "@confluentinc/kafka-javascript"]),
    "kafka-cli": ("Apache Kafka 4.3.1 command-line tools", ["{py}", "kafka_cli.py"]),
}


def log(message):
    print(f"compat: {message}", file=sys.stderr, flush=True)


class Target:
    """One broker or cluster started as child processes, each in its own process group."""

    def __init__(self, name, work, logs, args):
        self.name, self.work, self.logs, self.args = name, work, logs, args
        self.procs = []
        self.bootstrap = None
        self.replication = 1

    def start(self):
        self.work.mkdir(parents=True, exist_ok=True)
        getattr(self, "_start_" + self.name)()

    def _java(self, argv, log_name, ready_text, port):
        log_file = self.logs / f"{self.name}-{log_name}"
        out = open(log_file, "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=self.work)
        self.procs.append(proc)
        return proc, log_file, ready_text, port

    def _await(self, waits):
        end = time.monotonic() + START_TIMEOUT_S
        pending = list(waits)
        while pending and time.monotonic() < end:
            for w in list(pending):
                proc, log_file, ready_text, port = w
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.name}: {log_file.name} exited with {proc.returncode}:\n"
                                       + tail(log_file))
                if ready_text in log_file.read_text(errors="replace") and answers_api_versions(port):
                    pending.remove(w)
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"{self.name}: not ready within {START_TIMEOUT_S} s:\n" + tail(pending[0][1]))

    def _start_kafka(self):
        port, cport = 29092, 29093
        props = {  # as testkit's KafkaServerProperties.singleNode and ../shared/KAFKA-REFERENCE.md
            "process.roles": "broker,controller", "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{cport}",
            "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{cport}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
            "controller.listener.names": "CONTROLLER", "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.work / "data"), "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1", "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1", "group.initial.rebalance.delay.ms": "0",
        }
        config = self.work / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        java = kafka_java(self.args.kafka_lib, self.args.kafka_log4j)
        fmt = subprocess.run(java + ["-Xmx256m", "kafka.tools.StorageTool", "format", "--standalone",
                                     "-t", "varve-compat-cluster-001", "-c", str(config)],
                             capture_output=True, text=True, timeout=120)
        if fmt.returncode != 0:
            raise RuntimeError(f"kafka: formatting storage failed:\n{fmt.stdout}{fmt.stderr}")
        w = self._java(java + ["-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "kafka.Kafka", str(config)],
                       "kafka.log", "", port)
        self.bootstrap = f"127.0.0.1:{port}"
        self._await([w])

    def _varve(self, overrides, log_name, port):
        # Launched exactly as a user does (./varve server), each node with its own ports and directories.
        argv = [str(ROOT / "varve"), "server"]
        for k, v in overrides.items():
            argv += ["--override", f"{k}={v}"]
        return self._java(argv, log_name, "started", port)

    def _start_varve(self):
        port = 29192
        w = self._varve({"log.dirs": self.work / "data", "metadata.log.dir": self.work / "metadata",
                         "listeners": f"PLAINTEXT://127.0.0.1:{port}", "metrics.port": port + 2}, "varve.log", port)
        self.bootstrap = f"127.0.0.1:{port}"
        self._await([w])

    def _start_varve3(self):
        # docs/operations.md, "Configuration": three nodes with both roles, one voter each.
        nodes = {1: (29292, 29293), 2: (29392, 29393), 3: (29492, 29493)}
        voters = ",".join(f"{n}@127.0.0.1:{c}" for n, (_, c) in nodes.items())
        waits = []
        for n, (port, cport) in nodes.items():
            waits.append(self._varve({
                "node.id": n, "process.roles": "broker,controller",
                "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{cport}",
                "controller.listener.names": "CONTROLLER", "controller.quorum.voters": voters,
                "log.dirs": self.work / f"data-{n}", "metrics.port": port + 2}, f"varve-{n}.log", port))
        self.bootstrap = ",".join(f"127.0.0.1:{p}" for p, _ in nodes.values())
        self.replication = 3
        self._await(waits)

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()


def kafka_java(kafka_lib, log4j):
    return ["java", f"-Dlog4j2.configurationFile={log4j}", "-cp", f"{kafka_lib}/*"]


def answers_api_versions(port):
    """Whether a broker on {@code port} answers ApiVersions v3 without an error: ready for clients."""
    client_id = b"varve-compat"
    compact = lambda text: bytes([len(text) + 1]) + text  # noqa: E731 - a compact string
    body = (struct.pack(">hhih", 18, 3, 1, len(client_id)) + client_id + b"\x00"  # request header v2, no tags
            + compact(b"varve-compat") + compact(b"1") + b"\x00")  # software name and version, no tags
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(struct.pack(">i", len(body)) + body)
            head = recv_exactly(s, 4)
            response = recv_exactly(s, struct.unpack(">i", head)[0])
        correlation_id, error_code = struct.unpack(">ih", response[:6])
        return correlation_id == 1 and error_code == 0
    except (OSError, struct.error, ValueError):
        return False


def recv_exactly(s, n):
    if n < 0 or n > 1 << 20:
        raise ValueError(f"response size {n}")
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data


def tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_client(name, target, args, run_id, logs):
    title, command = CLIENTS[name]
    argv = [a.replace("{py}", args.python) for a in command]
    env = dict(os.environ, COMPAT_BOOTSTRAP=target.bootstrap, COMPAT_REPLICATION=str(target.replication),
               COMPAT_CLIENT=name.replace("-", ""), COMPAT_RUN_ID=run_id, COMPAT_KAFKA_LIB=str(args.kafka_lib),
               COMPAT_KAFKA_LOG4J=str(args.kafka_log4j), NODE_PATH=str(args.node_modules), PYTHONUNBUFFERED="1")
    log_file = logs / f"{target.name}-{name}.log"
    started = time.monotonic()
    with open(log_file, "wb") as err:
        proc = subprocess.Popen(argv, cwd=CLIENTS_DIR, env=env, stdout=subprocess.PIPE, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=CLIENT_TIMEOUT_S)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            timed_out = True
    out = out.decode(errors="replace")
    err_log = Path(log_file)
    with open(err_log, "ab") as f:
        f.write(b"\n--- stdout ---\n" + out.encode())
    result = {"title": title, "version": "", "checks": {}, "seconds": round(time.monotonic() - started, 1)}
    for line in out.splitlines():
        if line.startswith("VERSION "):
            result["version"] = line[8:].strip()
        elif line.startswith("APIVERSIONS "):
            _, api, low, high = line.split()
            result.setdefault("api_versions", {})[api] = f"{low}-{high}"
        elif line.startswith("CHECK "):
            parts = line.split(" ", 3)
            if len(parts) >= 3:
                result["checks"][parts[1]] = {"status": parts[2], "detail": parts[3] if len(parts) > 3 else ""}
    if timed_out:
        result["checks"]["scenario"] = {"status": "FAIL", "detail": f"timed out after {CLIENT_TIMEOUT_S} s"}
    elif proc.returncode != 0:
        last = [l for l in err_log.read_text(errors="replace").splitlines() if l.strip() and l != "--- stdout ---"]
        how = (f"killed by {signal.Signals(-proc.returncode).name}" if proc.returncode < 0
               else f"exit {proc.returncode}")
        result["checks"]["scenario"] = {"status": "FAIL", "detail": f"{how}; first error: {first_error(last)}"}
    return result


def first_error(lines):
    for line in lines:
        if any(w in line for w in ("Error", "error", "Exception", "FAIL")):
            return line.strip()[:300]
    return lines[-1].strip()[:300] if lines else ""


def expected_checks(results):
    """Per client, the union of the checks any target reported, in first-seen order."""
    names = {}
    for target_results in results.values():
        for client, r in target_results.get("clients", {}).items():
            seen = names.setdefault(client, [])
            for check in r["checks"]:
                if check not in seen:
                    seen.append(check)
    return names


def status_of(results, target, client, check):
    r = results.get(target, {}).get("clients", {}).get(client)
    if r is None:
        return None
    c = r["checks"].get(check)
    if c is None and check == "scenario":  # recorded only when the scenario process failed
        return {"status": "PASS", "detail": ""}
    return c or {"status": "FAIL", "detail": "not reached"}


def write_doc(results):
    intro = DOC.read_text().split(MARKER)[0] if DOC.exists() else "# Compatibility\n\n"
    targets = [t for t in TARGETS if t in results]
    checks = expected_checks(results)
    out = [intro.rstrip() + "\n\n" + MARKER + "\n"]
    out.append("## Summary\n")
    out.append("| client | version | " + " | ".join(TARGET_TITLES[t] for t in targets) + " |")
    out.append("|---|---|" + "---|" * len(targets))
    for client in CLIENTS:
        if client not in checks:
            continue
        version = next((results[t]["clients"][client]["version"] for t in targets
                        if client in results[t]["clients"] and results[t]["clients"][client]["version"]), "")
        cells = []
        for t in targets:
            statuses = [status_of(results, t, client, c) for c in checks[client]]
            if statuses[0] is None:
                cells.append("not run")
                continue
            applicable = [s for s in statuses if s["status"] != "N/A"]
            passed = sum(1 for s in applicable if s["status"] == "PASS")
            cells.append(f"{'PASS' if passed == len(applicable) else 'FAIL'} {passed}/{len(applicable)}")
        out.append(f"| {CLIENTS[client][0]} | {version} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Runs: " + "; ".join(f"{TARGET_TITLES[t]} at {results[t]['when']} ({results[t]['seconds']} s)"
                                    for t in targets) + ".\n")
    for client in CLIENTS:
        if client not in checks:
            continue
        out.append(f"## {CLIENTS[client][0]}\n")
        out.append("| check | " + " | ".join(TARGET_TITLES[t] for t in targets) + " |")
        out.append("|---|" + "---|" * len(targets))
        for check in checks[client]:
            cells = []
            for t in targets:
                s = status_of(results, t, client, check)
                if s is None:
                    cells.append("not run")
                else:
                    detail = s["detail"] if len(s["detail"]) <= 160 else s["detail"][:157] + "..."
                    detail = detail.replace("|", "\\|")
                    cells.append(f"{s['status']}" + (f": {detail}" if detail else ""))
            out.append(f"| {check} | " + " | ".join(cells) + " |")
        out.append("")
    out.extend(api_versions_table(results, targets))
    DOC.write_text("\n".join(out))


def api_versions_table(results, targets):
    """What each target advertises, as kafka-broker-api-versions printed it (the kafka-cli scenario)."""
    bands = {t: results[t]["clients"].get("kafka-cli", {}).get("api_versions", {}) for t in targets}
    apis = sorted(set().union(*bands.values()))
    if not apis:
        return []
    out = ["## Advertised API versions\n",
           "As `kafka-broker-api-versions` printed them for the first node of each target; a difference",
           "from Kafka is in bold.\n",
           "| API | " + " | ".join(TARGET_TITLES[t] for t in targets) + " |", "|---|" + "---|" * len(targets)]
    for api in apis:
        kafka = bands.get("kafka", {}).get(api, "")
        cells = [bands[t].get(api, "none") if t == "kafka" or bands[t].get(api, "none") == kafka
                 else f"**{bands[t].get(api, 'none')}**" for t in targets]
        out.append(f"| {api} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def regressions(results, ran=tuple(TARGETS)):
    """Checks that pass against Kafka but not against a Varve target in {@code ran}, and Kafka's failures
    when Kafka is in {@code ran}; Kafka's results may be stored ones from an earlier run."""
    problems = []
    kafka = results.get("kafka")
    checks = expected_checks(results)
    for client, names in checks.items():
        for check in names:
            k = status_of(results, "kafka", client, check) if kafka else None
            if k is not None and k["status"] == "FAIL" and "kafka" in ran:
                problems.append(f"kafka/{client}/{check}: fails against Kafka (a scenario bug): {k['detail']}")
            for t in (t for t in ("varve", "varve3") if t in ran):
                v = status_of(results, t, client, check)
                if v is not None and k is not None and k["status"] == "PASS" and v["status"] != "PASS":
                    problems.append(f"{t}/{client}/{check}: {v['detail']}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", choices=TARGETS + ["all"], default="all")
    ap.add_argument("--clients", default=",".join(CLIENTS), help="comma-separated subset of " + ",".join(CLIENTS))
    ap.add_argument("--report-only", action="store_true", help="exit 0 even where Varve fails a check Kafka passes")
    ap.add_argument("--kafka-lib", type=Path, required=True)
    ap.add_argument("--kafka-log4j", type=Path, required=True)
    ap.add_argument("--node-modules", type=Path, required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    args = ap.parse_args()
    args.kafka_log4j = args.kafka_log4j.resolve()  # the brokers run in their own directories
    clients = [c for c in args.clients.split(",") if c]
    unknown = [c for c in clients if c not in CLIENTS]
    if unknown:
        ap.error(f"unknown clients {unknown}")
    targets = TARGETS if args.target == "all" else [args.target]
    RESULTS_DIR.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="varve-compat-"))
    logs = Path(os.environ.get("COMPAT_LOGS", work / "logs"))
    logs.mkdir(parents=True, exist_ok=True)
    log(f"work and logs in {work}")
    run_id = str(int(time.time()))
    current = {}
    try:
        for name in targets:
            target = Target(name, work / name, logs, args)
            started = time.monotonic()
            log(f"starting {TARGET_TITLES[name]} ...")
            try:
                target.start()
                log(f"{name} ready at {target.bootstrap}")
                clients_results = {}
                for client in clients:
                    r = run_client(client, target, args, run_id, logs)
                    failed = [c for c, s in r["checks"].items() if s["status"] == "FAIL"]
                    passed = sum(1 for s in r["checks"].values() if s["status"] == "PASS")
                    log(f"{name} / {client}: {passed} passed, {len(failed)} failed"
                        f" ({r['seconds']} s){': ' + ', '.join(failed) if failed else ''}")
                    clients_results[client] = r
            except RuntimeError as e:
                log(str(e))
                return 2
            finally:
                target.stop()
            # A run of some clients replaces theirs only; the other clients' latest results stay.
            stored = RESULTS_DIR / f"{name}.json"
            merged = json.loads(stored.read_text())["clients"] if stored.exists() else {}
            merged.update(clients_results)
            current[name] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                             "seconds": round(time.monotonic() - started), "clients": merged}
            stored.write_text(json.dumps(current[name], indent=1) + "\n")
    finally:
        if os.environ.get("COMPAT_KEEP_WORK") != "1":
            shutil.rmtree(work / "kafka", ignore_errors=True)
            for t in TARGETS:
                shutil.rmtree(work / t, ignore_errors=True)
            if not logs.is_relative_to(work):  # nothing left worth keeping there
                shutil.rmtree(work, ignore_errors=True)
    # The document shows every target's latest results: this run's, and the stored ones of the others.
    results = {}
    for t in TARGETS:
        f = RESULTS_DIR / f"{t}.json"
        if f.exists():
            results[t] = json.loads(f.read_text())
    write_doc(results)
    log(f"wrote {DOC.relative_to(ROOT)}; client logs in {logs}")
    problems = regressions(results, targets)
    for p in problems[:20]:
        log("FAIL " + p[:200])
    if len(problems) > 20:
        log(f"... and {len(problems) - 20} more failures; see {DOC.relative_to(ROOT)}")
    log(f"{len(problems)} checks of {', '.join(targets)} fail against Varve where they pass against Kafka,"
        " or fail against Kafka")
    if problems and not args.report_only:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
