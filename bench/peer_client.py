#!/usr/bin/env python3
"""The peers' side of the benchmark in bench/run.py: one workload with one peer SDK.

Prints one JSON line {"items", "unique", "prefixed", "misplaced"}; run.py measures time and
memory. `misplaced` (imports): created IDs, in input order, that are not at their rank.
"""

import argparse
import json
import time
from urllib.parse import urlsplit

parser = argparse.ArgumentParser()
parser.add_argument("--client", required=True, choices=["fast_bitrix24", "b24pysdk"])
parser.add_argument("--workload", required=True, choices=["export", "import", "fetch"])
parser.add_argument("--webhook", required=True)
parser.add_argument("--https-webhook", default="")
parser.add_argument("--ca", default="")
parser.add_argument("--count", type=int, default=0)
parser.add_argument("--first", type=int, default=1)
parser.add_argument("--prefix", default="bench-import-")
ARGS = parser.parse_args()


def fast_bitrix24_run():
    import fast_bitrix24

    # Its defaults mirror the standard plan: a pool of 50, then 2 requests per second.
    client = fast_bitrix24.Bitrix(ARGS.https_webhook or ARGS.webhook, verbose=False)
    if ARGS.workload == "export":
        deals = client.get_all("crm.deal.list", {"select": ["ID", "TITLE"]})
        return [int(deal["ID"]) for deal in deals]
    if ARGS.workload == "import":
        items = [{"fields": {"TITLE": f"{ARGS.prefix}{index}"}} for index in range(ARGS.count)]
        return [int(new_id) for new_id in client.call("crm.deal.add", items)]
    ids = list(range(ARGS.first, ARGS.first + ARGS.count))
    found = client.get_by_ID("crm.deal.get", ids)
    return [int(deal["ID"]) for deal in found.values()]


def b24pysdk_run():
    from b24pysdk import BitrixWebhook, Client

    parts = urlsplit(ARGS.https_webhook)
    token = parts.path.split("/rest/", 1)[1].strip("/")
    client = Client(BitrixWebhook(domain=parts.netloc, webhook_token=token))
    if ARGS.workload == "export":
        deals = client.crm.deal.list(select=["ID", "TITLE"]).as_list_fast().result
        return [int(deal["ID"]) for deal in deals]
    if ARGS.workload == "import":
        requests = [client.crm.deal.add(fields={"TITLE": f"{ARGS.prefix}{index}"}) for index in range(ARGS.count)]
        results = client.call_batches(requests).result.result
        values = results.values() if isinstance(results, dict) else results
        return [int(new_id) for new_id in values]
    ids = list(range(ARGS.first, ARGS.first + ARGS.count))
    requests = [client.crm.deal.get(bitrix_id=deal_id) for deal_id in ids]
    results = client.call_batches(requests).result.result
    values = results.values() if isinstance(results, dict) else results
    return [int(deal["ID"]) for deal in values]


def main():
    started = time.monotonic()
    ids = fast_bitrix24_run() if ARGS.client == "fast_bitrix24" else b24pysdk_run()
    misplaced = sum(1 for got, rank in zip(ids, sorted(ids)) if got != rank) if ARGS.workload == "import" else 0
    print(json.dumps({"items": len(ids), "unique": len(set(ids)), "prefixed": 0, "misplaced": misplaced,
                      "wall_s": time.monotonic() - started}))


if __name__ == "__main__":
    main()
