#!/usr/bin/env python3
"""Throughput benchmark: b24 and the peer SDKs against the emulator with the cloud's limits.

Starts a fresh `b24-emulator` per scenario, client and workload with the leaky bucket at 2
requests/s (burst 50), an operating-time budget of 480 s per method per 10 minutes and the
emulator's cost model, runs the workload in a child process, and prints one table: HTTP
requests, 503s and 429s received, wall time, CPU time, peak memory, lost and duplicated
items, the floor the portal's bucket allows and the wall time against it, and refusals per
accepted request.

Scenarios (`--scenarios`, comma-separated):

    standard      the portal idle at the start
    full-bucket   another program has just filled the bucket (the harness sends burst + 10
                  requests from the same address right before the client starts)
    server-10ms   every method call costs 10 ms of server time; the emulator's latency
                  injection is per HTTP request, so each request is delayed by 10 ms x 50
                  (the sub-calls of a full batch)
    server-100ms  the same with 100 ms per call
    pacing-off    b24 without client-side pacing (`--no-rate-limit`); peers are not run

Floors, for the fewest requests R the workload needs (2,500 items or 50 commands per
request): max(0, (R - 50) / 2) seconds with a burst to spend, R / 2 with the bucket full at
the start.

Clients: `b24` (export with `Client::export`, parallel ranges), `b24-stream` (export one
request after another with `Client::stream`, as before), `b24-ordered` (import with
`Batch::ordered`: creation order = input order), `fast_bitrix24`, `b24pysdk`. For imports the
`misplaced` column counts items whose created ID is not at its input position's rank.

`--preset issue14` runs every figure of issue 14 side by side in one run, the import with
5,000 deals: the standard workloads (export, import with b24-ordered too, fetch), the
full-bucket import (b24, b24-ordered and the peers), the export with 10 ms and with 100 ms
server time (b24 and the peers) and the import with pacing off (b24).

    python3 bench/run.py                 # the standard scenario, all workloads, b24 and peers
    python3 bench/run.py --clients b24 --export 20000 --import 1000 --fetch 500
    python3 bench/run.py --scenarios full-bucket,pacing-off --workloads import --import 5000
    nice python3 bench/run.py --preset issue14     # about half an hour

Peers (fast-bitrix24, b24pysdk) are installed by bench/setup.sh into bench/.venv.
"""

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
EMULATOR = os.path.join(RELEASE, "b24-emulator")
B24_CLIENT = os.path.join(RELEASE, "examples", "bench_client")
PEER_PYTHON = os.path.join(ROOT, "bench", ".venv", "bin", "python")
PEER_CLIENT = os.path.join(ROOT, "bench", "peer_client.py")
# Items one HTTP request can carry: 50 list pages of 50 in one batch, or 50 add commands.
ITEMS_PER_REQUEST = {"export": 2500, "import": 50, "fetch": 2500}


class Emulator:
    """A b24-emulator process on loopback with the cloud's limits."""

    def __init__(self, seed_deals=0, rate_limit="standard", operating_limit=480, faults=None):
        self.ca = os.path.join(ROOT, "target", "bench-ca.pem")
        args = [EMULATOR, "--rate-limit", rate_limit, "--operating-limit", str(operating_limit),
                "--https-port", "0", "--ca-out", self.ca]
        if seed_deals:
            args += ["--seed-deals", str(seed_deals)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("webhook: "):
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.webhook = line.split(" ", 1)[1].strip()
        self.base = self.webhook.split("/rest/")[0]
        info = self.control("GET", "info")
        self.https_webhook = info.get("https_webhook_url")
        if faults:
            self.control("POST", "faults", faults)

    def control(self, verb, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}/_emulator/{path}", data=data, method=verb,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def fill_bucket(self, requests=60):
        """Spends the bucket from the same address, as another program would."""
        for _ in range(requests):
            request = urllib.request.Request(f"{self.webhook}server.time", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answer.read()
            except urllib.error.HTTPError as refused:  # 503 once full: what we want
                refused.read()

    def counters(self):
        counters = self.control("GET", "counters")
        statuses = counters.get("statuses", {})
        # `total` counts HTTP requests; a batch's sub-calls appear only under `methods`.
        return {"requests": counters["total"], "503": statuses.get("503", 0), "429": statuses.get("429", 0)}

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


# A workload process that has not finished after this many seconds is killed and reported
# (a peer that gave up on its retries can hang instead of exiting).
CHILD_TIMEOUT = 1800


def run_child(args, env=None):
    """Runs a workload process; returns its JSON line, wall, CPU seconds and peak RSS (MiB)."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        process = subprocess.Popen(args, stdout=out_file, stderr=err_file, text=True, env=env)
        timer = threading.Timer(CHILD_TIMEOUT, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if os.waitstatus_to_exitcode(status) != 0:
        if wall >= CHILD_TIMEOUT:
            raise RuntimeError(f"no result within {CHILD_TIMEOUT} s, killed; last output: {err.strip()[-300:]}")
        raise RuntimeError(f"exit status {os.waitstatus_to_exitcode(status)}: {err.strip()[-300:]}")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    return json.loads(last), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def client_command(client, emulator, workload, count, first, prefix, scenario):
    if client in B24_CLIENTS:
        args = [B24_CLIENT, "--webhook", emulator.webhook, "--workload", workload,
                "--count", str(count), "--first", str(first), "--prefix", prefix]
        if client == "b24-stream":
            args.append("--sequential")
        if client == "b24-ordered":
            args.append("--ordered")
        if scenario == "pacing-off":
            args.append("--no-rate-limit")
        return args, None
    env = dict(os.environ, SSL_CERT_FILE=emulator.ca, REQUESTS_CA_BUNDLE=emulator.ca)
    args = [PEER_PYTHON, PEER_CLIENT, "--client", client, "--workload", workload,
            "--webhook", emulator.webhook, "--https-webhook", emulator.https_webhook or "",
            "--ca", emulator.ca, "--count", str(count), "--first", str(first), "--prefix", prefix]
    return args, env


def verify_import(emulator, count, prefix):
    """Lists the portal without limits and counts the imported titles."""
    emulator.control("POST", "limits", {"rate_limit": "off", "operating_limit": None})
    report, *_ = run_child([B24_CLIENT, "--webhook", emulator.webhook, "--workload", "verify",
                            "--prefix", prefix, "--no-rate-limit"])
    return report["prefixed"], report["items"] - report["unique"]


SCENARIOS = ["standard", "full-bucket", "server-10ms", "server-100ms", "pacing-off"]
B24_CLIENTS = ("b24", "b24-stream", "b24-ordered")
PEERS = "fast_bitrix24,b24pysdk"
# Issue 14's figures: (scenario, workload, clients).
PRESETS = {
    "issue14": [
        ("standard", "export", f"b24,{PEERS}"),
        ("standard", "import", f"b24,b24-ordered,{PEERS}"),
        ("standard", "fetch", f"b24,{PEERS}"),
        ("full-bucket", "import", f"b24,b24-ordered,{PEERS}"),
        ("pacing-off", "import", "b24,b24-ordered"),
        ("server-10ms", "export", f"b24,{PEERS}"),
        ("server-100ms", "export", f"b24,{PEERS}"),
    ],
}
# Server time per method call, milliseconds; a batch request carries 50 calls.
SERVER_MS = {"server-10ms": 10, "server-100ms": 100}


def floor(workload, items, scenario):
    """The fewest requests the workload needs and the seconds the portal's bucket allows for them."""
    requests = math.ceil(items / ITEMS_PER_REQUEST[workload])
    burst = 0 if scenario == "full-bucket" else 50
    return requests, max(0.0, (requests - burst) / 2)


def measure(client, workload, sizes, faults, scenario):
    prefix = "bench-import-"
    faults = dict(faults or {})
    if scenario in SERVER_MS:
        faults["latency_ms"] = SERVER_MS[scenario] * 50
    faults = faults or None
    if workload == "export":
        emulator = Emulator(seed_deals=sizes["export"], faults=faults)
        count, first = sizes["export"], 1
    elif workload == "import":
        emulator = Emulator(faults=faults)
        count, first = sizes["import"], 1
    else:
        emulator = Emulator(seed_deals=max(sizes["fetch"] * 2, 10_000), faults=faults)
        count, first = sizes["fetch"], 1001
    try:
        args, env = client_command(client, emulator, workload, count, first, prefix, scenario)
        before = {"requests": 0, "503": 0, "429": 0}
        if scenario == "full-bucket":
            emulator.fill_bucket()
            before = emulator.counters()
        report, wall, cpu, rss = run_child(args, env)
        counters = {key: value - before[key] for key, value in emulator.counters().items()}
        if workload == "import":
            emulator.control("POST", "faults", {})
            landed, duplicated = verify_import(emulator, count, prefix)
            lost = count - (landed - duplicated)
        else:
            duplicated = report["items"] - report["unique"]
            lost = count - report["unique"]
        return {"scenario": scenario, "client": client, "workload": workload, "items": count,
                "wall": wall, "cpu": cpu, "rss": rss, "lost": lost, "dup": duplicated,
                "misplaced": report.get("misplaced", 0), **counters}
    finally:
        emulator.stop()


def main():
    global CHILD_TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="b24,fast_bitrix24,b24pysdk")
    parser.add_argument("--workloads", default="export,import,fetch")
    parser.add_argument("--scenarios", default="standard",
                        help="comma-separated: " + ", ".join(SCENARIOS))
    parser.add_argument("--export", type=int, default=250_000)
    parser.add_argument("--import", dest="import_", type=int, default=None,
                        help="deals to import (default 10,000; 5,000 with --preset issue14)")
    parser.add_argument("--fetch", type=int, default=5_000)
    parser.add_argument("--faults", action="store_true",
                        help="answer 10%% of requests with 503 and reset 2%% of connections")
    parser.add_argument("--preset", choices=sorted(PRESETS),
                        help="run a preset plan (replaces --scenarios, --workloads, --clients)")
    parser.add_argument("--timeout", type=int, default=CHILD_TIMEOUT,
                        help="seconds after which a workload process is killed and reported")
    parser.add_argument("--no-build", action="store_true")
    options = parser.parse_args()
    CHILD_TIMEOUT = options.timeout
    if options.import_ is None:
        options.import_ = 5_000 if options.preset == "issue14" else 10_000
    if not options.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "b24-emulator", "--bin", "b24-emulator"],
                       cwd=ROOT, check=True)
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "b24-core", "--example", "bench_client"],
                       cwd=ROOT, check=True)
    sizes = {"export": options.export, "import": options.import_, "fetch": options.fetch}
    faults = {"seed": 42, "query_limit": 0.10, "reset": 0.02} if options.faults else None
    if options.preset:
        plan = PRESETS[options.preset]
    else:
        plan = [(scenario, workload, options.clients)
                for scenario in options.scenarios.split(",")
                for workload in options.workloads.split(",")]
    rows = []
    for scenario, workload, clients in plan:
        if scenario not in SCENARIOS:
            parser.error(f"unknown scenario {scenario}")
        for client in clients.split(","):
            if scenario == "pacing-off" and client not in B24_CLIENTS:
                continue
            if client == "b24-ordered" and workload != "import":
                continue
            try:
                row = measure(client, workload, sizes, faults, scenario)
            except Exception as error:  # a peer that cannot run the workload is reported, not fatal
                row = {"scenario": scenario, "client": client, "workload": workload,
                       "error": str(error)[-300:]}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    print_table(rows, sizes)
    return 0


def print_table(rows, sizes):
    header = f"{'scenario':<12} {'workload':<8} {'client':<14} {'requests':>8} {'503':>5} {'429':>5} " \
             f"{'wall s':>8} {'cpu s':>7} {'peak MiB':>8} {'lost':>6} {'dup':>6} {'floor s':>7} {'R min':>5} " \
             f"{'x floor':>7} {'503/ok':>6} {'misplaced':>9} {'vs fastest peer':>15}"
    print(header)
    print("-" * len(header))
    for scenario, workload in dict.fromkeys((row["scenario"], row["workload"]) for row in rows):
        group = [row for row in rows if row["scenario"] == scenario and row["workload"] == workload]
        peers = [row["wall"] for row in group
                 if row["client"] not in B24_CLIENTS and "wall" in row and row["lost"] == 0]
        fastest = min(peers) if peers else None
        r_min, minimum = floor(workload, sizes[workload], scenario)
        for row in group:
            lead = f"{scenario:<12} {workload:<8} {row['client']:<14}"
            if "error" in row:
                last = row["error"].strip().splitlines() or [""]
                print(f"{lead} failed: {last[-1][:150]}")
                continue
            ratio = f"{row['wall'] / fastest:.2f}x" if fastest else "-"
            against = f"{row['wall'] / minimum:.2f}" if minimum else "-"
            accepted = row["requests"] - row["503"] - row["429"]
            refusals = f"{row['503'] / accepted:.2f}" if accepted else "-"
            print(f"{lead} {row['requests']:>8} {row['503']:>5} {row['429']:>5} "
                  f"{row['wall']:>8.1f} {row['cpu']:>7.2f} {row['rss']:>8.1f} {row['lost']:>6} {row['dup']:>6} "
                  f"{minimum:>7.1f} {r_min:>5} {against:>7} {refusals:>6} {row.get('misplaced', 0):>9} "
                  f"{ratio:>15}")


if __name__ == "__main__":
    sys.exit(main())
