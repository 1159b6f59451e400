#!/usr/bin/env python3
"""Shows that a third-party NetSuite client works against SuiteBridge's simulator.

Runs Python's `netsuite` package (PyPI, 0.12.0) with token-based auth against a running
`suitebridge simulator`, redirecting its URLs to the simulator by subclassing
NetSuiteRestApi._make_url. It runs a SuiteQL query and a record GET and checks the answers.
Not part of `swift test`: it needs the package from PyPI.

    pip install netsuite==0.12.0
    swift run suitebridge simulator --port 9090 --write-credentials /tmp/sim-credentials.json &
    python3 Scripts/python-netsuite-against-simulator.py /tmp/sim-credentials.json
"""
import asyncio
import json
import sys

from netsuite import Config, NetSuite, TokenAuth
from netsuite.rest_api import NetSuiteRestApi


class SimulatorRestApi(NetSuiteRestApi):
    base_url = ""

    def _make_url(self, subpath: str):
        return f"{self.base_url}/services/rest{subpath}"


async def main(path: str) -> int:
    account = json.load(open(path))["accounts"][0]
    tba = account["tba"]
    config = Config(
        account=account["accountId"],
        auth=TokenAuth(consumer_key=tba["consumerKey"], consumer_secret=tba["consumerSecret"],
                       token_id=tba["tokenId"], token_secret=tba["tokenSecret"]),
    )
    api = SimulatorRestApi(config)
    api.base_url = account["baseURL"]
    NetSuite(config)  # the package's own entry point accepts the config too

    page = await api.suiteql(q="SELECT id, companyname, email FROM customer ORDER BY id", limit=5, offset=0)
    assert page["count"] == 5 and page["hasMore"] is True, page
    first = page["items"][0]
    assert set(first) >= {"links", "id", "companyname"}, first
    print(f"suiteql: {page['count']} of {page['totalResults']} rows; first: {first['id']} {first['companyname']}")

    record = await api.get(f"/record/v1/customer/{first['id']}")
    assert record["id"] == first["id"] and record["companyName"] == first["companyname"], record
    print(f"record GET: customer {record['id']} {record['companyName']} ({record['subsidiary']['refName']})")

    orders = await api.get("/record/v1/salesOrder", params={"limit": 2})
    assert orders["count"] == 2, orders
    print(f"record list: {orders['totalResults']} sales orders")
    print("python netsuite 0.12.0 works against the simulator")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sim-credentials.json")))
