"""Benchmark: the assistant's reply latency through the customer API.

    # once: the catalogue and trained models in the benchmark database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h4 .venv/bin/python bench/chat_reply.py --prepare
    # in-process (Django test client: routing, throttles, services, model, JSON)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h4 .venv/bin/python bench/chat_reply.py --messages 300
    # under load: gunicorn on 127.0.0.1 with the production settings (lanekassen_ai/gunicorn_conf.py),
    # 50 concurrent clients, bounded number of requests
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h4 .venv/bin/python bench/chat_reply.py \\
        --load --clients 50 --messages-per-client 20 --workers 2 --threads 4

Messages are the held-out paraphrases (in scope and out of scope), cycled. In load mode
each client opens its own conversation and posts its messages one after another over a
keep-alive connection, optionally pausing --think-ms (0.5-1.5x, uniformly) between them
as a typing person does; only POST .../messages/ is timed. Targets: with think time p95
under 50 ms; a burst with no pause (50 clients) at least 200 replies/s with p95 under
250 ms; zero errors. Throttles are raised for the run (one IP plays 50 customers). Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
for scope in ("API_THROTTLE_CHAT", "API_THROTTLE_ANON", "API_THROTTLE_USER"):
    os.environ.setdefault(scope, "1000000/min")


def messages() -> list[str]:
    texts: list[str] = []
    for name in ("kunde", "una"):
        path = ROOT / "chat" / "data" / "heldout" / f"{name}.json"
        if path.exists():
            data = json.loads(path.read_text())
            texts += [x["text"] for x in data["in_scope"]] + list(data["out_of_scope"])
    # Handing over would stop the bot answering: keep to questions the bot answers itself.
    return [t for t in texts if "menneske" not in t and "person" not in t] or ["når kommer pengene"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chat.services.demo import chat_demo_seed

    chat_demo_seed(stdout=sys.stdout)


def in_process(n: int) -> None:
    import django

    django.setup()
    from django.test import Client

    client = Client()
    texts = messages()
    created = client.post(
        "/api/v1/chat/conversations/", {"assistant": "kunde"}, content_type="application/json"
    )
    conversation = created.json()
    timings, actions, errors = [], {}, 0
    for i in range(n + 10):
        if i % 25 == 0:  # a fresh conversation now and then, as handovers would end one
            conversation = client.post(
                "/api/v1/chat/conversations/", {"assistant": "kunde"}, content_type="application/json"
            ).json()
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/chat/conversations/{conversation['id']}/messages/",
            {"text": texts[i % len(texts)]},
            content_type="application/json",
            HTTP_X_CONVERSATION_TOKEN=conversation["token"],
        )
        elapsed = (time.perf_counter() - started) * 1000
        if i < 10:
            continue  # warm-up: the first reply loads the model
        if response.status_code != 201:
            errors += 1
            continue
        timings.append(elapsed)
        reply = response.json()["reply"] or {"action": "none"}
        actions[reply["action"]] = actions.get(reply["action"], 0) + 1
    print(
        f"| in-process (test client) | {len(timings)} | {percentile(timings, 0.5):.1f} | "
        f"{percentile(timings, 0.95):.1f} | {max(timings):.1f} | {errors} | {actions} |"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())] if children.exists() else [master]


def database_backends() -> dict[int, float]:
    """CPU seconds so far of every PostgreSQL backend connected to the benchmark database
    (PostgreSQL runs on this host)."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: cpu_seconds(pid) for pid in pids}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(
    clients: int, per_client: int, workers: int, threads: int, think_ms: int, extra_server_args: list[str]
) -> None:
    port = free_port()
    env = {**os.environ, "DJANGO_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lanekassen_ai.wsgi",
            "-c",
            "python:lanekassen_ai.gunicorn_conf",  # the production settings
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            *extra_server_args,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status in (200, 503):
                    break
            except OSError:
                time.sleep(0.3)
        texts = messages()
        timings: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        by_client: dict[int, list[float]] = {}

        # Warm every worker: the first request in a process imports the URLconf and the
        # first reply loads the model. Many connections at once, so that each worker
        # accepts some of them.
        def warm(_: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _ in range(3):
                conn.request(
                    "POST",
                    "/api/v1/chat/conversations/",
                    body="{}",
                    headers={"Content-Type": "application/json"},
                )
                conv = json.loads(conn.getresponse().read())
                conn.request(
                    "POST",
                    f"/api/v1/chat/conversations/{conv['id']}/messages/",
                    body=json.dumps({"text": "hei"}),
                    headers={"Content-Type": "application/json", "X-Conversation-Token": conv["token"]},
                )
                conn.getresponse().read()

        warmers = [threading.Thread(target=warm, args=(k,)) for k in range(workers * threads * 2)]
        for t in warmers:
            t.start()
        for t in warmers:
            t.join()
        print("warmed up", file=sys.stderr, flush=True)
        start_gate = threading.Barrier(clients)

        def client(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST", "/api/v1/chat/conversations/", body="{}", headers={"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            conv = json.loads(response.read())
            start_gate.wait()
            if think_ms:
                time.sleep(think_ms / 1000 * random.random())  # customers do not all type at once
            for j in range(per_client):
                text = texts[(k * per_client + j) % len(texts)]
                started = time.perf_counter()
                try:
                    conn.request(
                        "POST",
                        f"/api/v1/chat/conversations/{conv['id']}/messages/",
                        body=json.dumps({"text": text}),
                        headers={"Content-Type": "application/json", "X-Conversation-Token": conv["token"]},
                    )
                    response = conn.getresponse()
                    body = response.read()
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        if response.status == 201:
                            timings.append(elapsed)
                            by_client.setdefault(k, []).append(elapsed)
                        else:
                            errors.append(f"{response.status} {body[:80]!r}")
                except OSError as exc:
                    with lock:
                        errors.append(repr(exc))
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if think_ms:
                    # A person reads the reply and types the next question.
                    time.sleep(think_ms / 1000 * (0.5 + random.random()))

        pids = server_pids(server.pid)
        server_before = {pid: cpu_seconds(pid) for pid in pids}
        database_before = database_backends()
        own_before = time.process_time()
        load_before = load_average()
        began = time.perf_counter()
        pool = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        wall = time.perf_counter() - began
        server_cpu = sum(cpu_seconds(pid) - before for pid, before in server_before.items())
        database_cpu = sum(cpu - database_before.get(pid, 0.0) for pid, cpu in database_backends().items())
        own_cpu = time.process_time() - own_before
        replies = max(1, len(timings))
        print(
            f"| gunicorn {workers}w x {threads}t, {clients} clients, think {think_ms} ms | {len(timings)} | "
            f"{percentile(timings, 0.5):.1f} | {percentile(timings, 0.95):.1f} | {max(timings):.1f} | "
            f"{len(errors)} | {len(timings) / wall:.0f} req/s |"
        )
        print(
            f"CPU per reply: gunicorn {server_cpu / replies * 1000:.2f} ms, PostgreSQL "
            f"{database_cpu / replies * 1000:.2f} ms, load generator {own_cpu / replies * 1000:.2f} ms; "
            f"wall {wall:.1f} s; load average before {load_before}, after {load_average()}"
        )
        # How evenly the workers share the clients: each keep-alive connection stays with
        # the worker that accepted it, so an overloaded worker shows as a group of slow clients.
        means = sorted(sum(v) / len(v) for v in by_client.values() if v)
        if means:
            print(
                f"per-client mean ms: fastest {means[0]:.0f}, median {means[len(means) // 2]:.0f}, "
                f"slowest {means[-1]:.0f}"
            )
        if errors:
            print("errors:", errors[:5])
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", action="store_true", help="load the catalogue and train (idempotent)")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--messages-per-client", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--think-ms", type=int, default=0, help="mean pause between a client's messages (0: closed loop)"
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="one more gunicorn argument, e.g. --server-arg=--keep-alive=2 (repeatable)",
    )
    args = parser.parse_args()
    if args.prepare:
        prepare()
    elif args.load:
        load(
            args.clients, args.messages_per_client, args.workers, args.threads, args.think_ms, args.server_arg
        )
    else:
        in_process(args.messages)


if __name__ == "__main__":
    main()
