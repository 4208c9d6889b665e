#!/usr/bin/env python3
"""Proof by others: third-party Bitrix24 clients talk to a running b24-emulator.

Runs fast-bitrix24 (aiohttp) and b24pysdk (requests) against an emulator that was started
elsewhere (this script starts nothing), e.g.

    b24-emulator --seed-deals 10000 --https-port 0 --ca-out /tmp/ca.pem

and checks, for each client:

* a 10,000-record list fetched completely (fast_bitrix24 ``get_all``; b24pysdk ``as_list``
  and ``as_list_fast``): every ID exactly once, the ID set equal to the seeded set;
* ``batch`` with ``$result[...]`` references to earlier commands;
* tasks: ``tasks.task.add`` creates tasks, ``tasks.task.list`` (over more than one page) lists
  each of them exactly once with the fields created;
* the request-intensity limit: the standard preset (2 req/s, burst 50) is switched on through
  the control API, the client runs more calls than the burst allows, receives
  503 QUERY_LIMIT_EXCEEDED (verified through the emulator's counters) and still completes
  every call through its own retry logic.

Inputs (arguments win over environment variables):

    --webhook URL         plain-http webhook   (B24_EMU_WEBHOOK), e.g. http://127.0.0.1:1/rest/1/x/
    --https-webhook URL   TLS webhook          (B24_EMU_HTTPS_WEBHOOK)
    --ca PATH             CA certificate PEM   (B24_EMU_CA)
    --deals N             deals seeded at start (B24_EMU_DEALS, default 10000)

Exit status 0 when every check passed; 1 otherwise (a summary is printed either way).
"""

import argparse
import asyncio
import json
import os
import sys
import time
import traceback
import urllib.request
from urllib.parse import urlsplit


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--webhook", default=os.environ.get("B24_EMU_WEBHOOK"))
    p.add_argument("--https-webhook", default=os.environ.get("B24_EMU_HTTPS_WEBHOOK"))
    p.add_argument("--ca", default=os.environ.get("B24_EMU_CA"))
    p.add_argument("--deals", type=int, default=int(os.environ.get("B24_EMU_DEALS", "10000")))
    args = p.parse_args()
    missing = [n for n in ("webhook", "https_webhook", "ca") if not getattr(args, n)]
    if missing:
        p.error("missing: " + ", ".join("--" + m.replace("_", "-") for m in missing))
    return args


ARGS = parse_args()
# Both clients verify TLS with the system trust store unless told otherwise: point the
# OpenSSL defaults (aiohttp) and requests at the emulator's CA.
os.environ["SSL_CERT_FILE"] = ARGS.ca
os.environ["REQUESTS_CA_BUNDLE"] = ARGS.ca

import fast_bitrix24  # noqa: E402
from b24pysdk import BitrixWebhook, Client  # noqa: E402

CONTROL = "{0.scheme}://{0.netloc}".format(urlsplit(ARGS.webhook))
RESULTS = []  # (client, check, ok, detail)


def control(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        CONTROL + path,
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def counters():
    return control("/_emulator/counters")


def status_count(c, status):
    return c.get("statuses", {}).get(str(status), 0)


def check(client, name, fn):
    started = time.monotonic()
    try:
        detail = fn()
        RESULTS.append((client, name, True, f"{detail} ({time.monotonic() - started:.2f} s)"))
    except Exception as e:  # noqa: BLE001 - every failure is reported
        traceback.print_exc()
        RESULTS.append((client, name, False, f"{type(e).__name__}: {e}"))


def assert_exactly_once(ids, expected, what):
    ids = [int(i) for i in ids]
    dupes = len(ids) - len(set(ids))
    if dupes:
        raise AssertionError(f"{what}: {dupes} duplicate IDs")
    if set(ids) != expected:
        missing = sorted(expected - set(ids))[:5]
        extra = sorted(set(ids) - expected)[:5]
        raise AssertionError(f"{what}: missing {missing}…, unexpected {extra}…")
    return f"{len(ids)} items, each exactly once"


# ---------------------------------------------------------------------------------------------
# fast_bitrix24


def fb24(**kwargs):
    # TLS webhook, verified against the emulator's CA through SSL_CERT_FILE.
    return fast_bitrix24.Bitrix(ARGS.https_webhook, verbose=False, **kwargs)


def fb24_get_all_deals():
    before = counters()
    deals = fb24().get_all("crm.deal.list", {"select": ["ID", "TITLE"]})
    after = counters()
    spent = after["total"] - before["total"]
    msg = assert_exactly_once([d["ID"] for d in deals], set(range(1, ARGS.deals + 1)), "crm.deal.list")
    return f"{msg}; {spent} HTTP requests"


def fb24_get_all_leads():
    seeded = control("/_emulator/seed", {"entity": "lead", "count": 10000})
    expected = set(range(seeded["first"], seeded["last"] + 1))
    leads = fb24().get_all("crm.lead.list", {"select": ["ID"], "filter": {">=ID": seeded["first"]}})
    return assert_exactly_once([d["ID"] for d in leads], expected, "crm.lead.list")


def fb24_batch():
    b = fb24()
    result = b.call_batch(
        {
            "halt": 0,
            "cmd": {
                "add": "crm.deal.add?fields[TITLE]=fast_bitrix24+batch&fields[OPPORTUNITY]=42.5",
                "get": "crm.deal.get?id=$result[add]",
                "copy": "crm.deal.add?fields[TITLE]=copy+of+$result[get][TITLE]",
                "list": "crm.deal.list?filter[@ID][]=$result[add]&filter[@ID][]=$result[copy]"
                "&select[]=ID&select[]=TITLE&order[ID]=ASC",
            },
        }
    )
    new_id = int(result["add"])
    assert result["get"]["ID"] == str(new_id), result
    assert result["get"]["OPPORTUNITY"] == "42.50", result
    titles = [d["TITLE"] for d in result["list"]]
    assert titles == ["fast_bitrix24 batch", "copy of fast_bitrix24 batch"], titles
    # the same through fast_bitrix24's own batching of many calls (its batches run
    # concurrently, so the order of the merged results is not guaranteed)
    got = b.call("crm.deal.get", [{"ID": i} for i in range(1, 121)])
    assert sorted(int(d["ID"]) for d in got) == list(range(1, 121)), str(got)[:300]
    return f"$result references resolved (new deal {new_id}); 120 calls batched"


def fb24_tasks():
    b = fb24()
    titles = [f"fast_bitrix24 task {i}" for i in range(120)]
    # fast_bitrix24 sends the calls in concurrent batches: the tasks are created in any order.
    added = b.call("tasks.task.add", [{"fields": {"TITLE": t, "RESPONSIBLE_ID": 1}} for t in titles])
    added = [a.get("task", a) for a in added]
    assert sorted(a["title"] for a in added) == sorted(titles), [a["title"] for a in added[:3]]
    tasks = b.get_all("tasks.task.list", {"filter": {"%TITLE": "fast_bitrix24 task"}, "select": ["ID", "TITLE"]})
    msg = assert_exactly_once([t["id"] for t in tasks], {int(a["id"]) for a in added}, "tasks.task.list")
    assert sorted(t["title"] for t in tasks) == sorted(titles)
    return f"created 120; {msg}"


def fb24_rate_limit():
    control("/_emulator/limits", {"rate_limit": "standard"})
    try:
        before = counters()
        # Let the client send faster than the portal allows so that it meets the limit.
        b = fb24(request_pool_size=200, requests_per_second=100.0)

        async def run():
            out = []
            for _ in range(60):
                # raw=True: one HTTP request per call, the whole envelope back
                out.append((await b.call("crm.deal.get", {"ID": 1}, raw=True))["result"])
            return out

        loop = asyncio.new_event_loop()
        try:
            results = loop.run_until_complete(run())
        finally:
            loop.close()
        after = counters()
    finally:
        control("/_emulator/limits", {"rate_limit": "off"})
    assert all(r["ID"] == "1" for r in results), results[:2]
    hit = status_count(after, 503) - status_count(before, 503)
    assert hit > 0, "the client never met QUERY_LIMIT_EXCEEDED"
    return f"60/60 calls completed after {hit} × 503 QUERY_LIMIT_EXCEEDED (retried by the client)"


# ---------------------------------------------------------------------------------------------
# b24pysdk


def b24_client():
    parts = urlsplit(ARGS.https_webhook)
    assert parts.scheme == "https", "b24pysdk only speaks https"
    token = parts.path.split("/rest/", 1)[1].strip("/")
    return Client(BitrixWebhook(domain=parts.netloc, webhook_token=token))


def b24_as_list():
    client = b24_client()
    before = counters()
    items = client.crm.deal.list(select=["ID", "TITLE"]).as_list().result
    spent = counters()["total"] - before["total"]
    msg = assert_exactly_once([d["ID"] for d in items], set(range(1, ARGS.deals + 1)), "as_list")
    return f"{msg}; {spent} HTTP requests"


def b24_as_list_fast():
    client = b24_client()
    before = counters()
    items = list(client.crm.deal.list(select=["ID"]).as_list_fast().result)
    spent = counters()["total"] - before["total"]
    msg = assert_exactly_once([d["ID"] for d in items], set(range(1, ARGS.deals + 1)), "as_list_fast")
    return f"{msg}; {spent} HTTP requests"


def b24_batch():
    client = b24_client()
    batch = client.call_batch(
        {
            "add": client.crm.deal.add(fields={"TITLE": "b24pysdk batch"}),
            "found": client.crm.deal.list(filter={"=ID": "$result[add]"}, select=["ID", "TITLE"]),
            "after": client.crm.deal.list(filter={">=ID": "$result[found][0][ID]"}, select=["ID"]),
        }
    )
    r = batch.result.result
    new_id = int(r["add"])
    assert r["found"] == [{"ID": str(new_id), "TITLE": "b24pysdk batch"}], r
    assert [int(d["ID"]) for d in r["after"]] == [new_id], r
    return f"$result references resolved (new deal {new_id})"


def b24_tasks():
    client = b24_client()
    titles = [f"b24pysdk task {i}" for i in range(60)]
    ids = set()
    for title in titles:
        task = client.tasks.task.add(fields={"TITLE": title, "RESPONSIBLE_ID": 1}).result["task"]
        assert task["title"] == title, task
        ids.add(int(task["id"]))
    tasks = client.tasks.task.list(filter={"%TITLE": "b24pysdk task"}, select=["ID", "TITLE"]).as_list().result
    msg = assert_exactly_once([t["id"] for t in tasks], ids, "tasks.task.list")
    assert sorted(t["title"] for t in tasks) == sorted(titles)
    return f"created 60; {msg}"


def b24_rate_limit():
    client = b24_client()
    control("/_emulator/limits", {"rate_limit": "standard"})
    try:
        before = counters()
        results = [client.crm.deal.get(bitrix_id=1).result for _ in range(55)]
        after = counters()
    finally:
        control("/_emulator/limits", {"rate_limit": "off"})
    assert all(r["ID"] == "1" for r in results)
    hit = status_count(after, 503) - status_count(before, 503)
    assert hit > 0, "the client never met QUERY_LIMIT_EXCEEDED"
    return f"55/55 calls completed after {hit} × 503 QUERY_LIMIT_EXCEEDED (retried by the client)"


def main():
    info = control("/_emulator/info")
    print(f"emulator: {info['base_url']} / {info['https_base_url']}, CA {ARGS.ca}")
    # Lists first: the batch checks add deals.
    check("fast_bitrix24", "get_all crm.deal.list (10,000 seeded)", fb24_get_all_deals)
    check("fast_bitrix24", "get_all crm.lead.list (10,000 via control API)", fb24_get_all_leads)
    check("b24pysdk", "as_list crm.deal.list", b24_as_list)
    check("b24pysdk", "as_list_fast crm.deal.list", b24_as_list_fast)
    check("fast_bitrix24", "batch with $result references", fb24_batch)
    check("b24pysdk", "call_batch with $result references", b24_batch)
    check("fast_bitrix24", "tasks.task.add and get_all tasks.task.list", fb24_tasks)
    check("b24pysdk", "tasks.task.add and as_list tasks.task.list", b24_tasks)
    check("fast_bitrix24", "rate limit (standard preset)", fb24_rate_limit)
    check("b24pysdk", "rate limit (standard preset)", b24_rate_limit)

    print("\nsummary")
    for client, name, ok, detail in RESULTS:
        print(f"  {'PASS' if ok else 'FAIL'}  {client:14} {name}: {detail}")
    failed = sum(1 for r in RESULTS if not r[2])
    print(f"peers: {len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
