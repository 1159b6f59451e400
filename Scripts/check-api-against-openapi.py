#!/usr/bin/env python3
"""Runs `suitebridge serve --demo`, calls every API operation (successes and errors) and validates each real
response (status and JSON body) against openapi.yaml. Exits 1 on any mismatch or undocumented status.

Usage: Scripts/check-api-against-openapi.py [path/to/suitebridge]   (needs PyYAML, openapi-schema-validator)"""
import hashlib
import hmac
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

import yaml
from openapi_schema_validator import OAS31Validator

sys.path.insert(0, os.path.dirname(__file__))
from demo_server import DemoServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = yaml.safe_load(open(os.path.join(ROOT, "openapi.yaml")))
failures = []
checked = 0


def operation(method, path):
    for template, item in SPEC["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path.split("?")[0]) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def resolve(node):
    while "$ref" in node:
        name = node["$ref"].split("/")
        node = SPEC
        for part in name[1:]:
            node = node[part]
    return node


def call(server, method, path, body=None, token=None, expect=None):
    global checked
    headers = {"Authorization": "Bearer " + (token if token is not None else server.token)}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
    template, op = operation(method, path)
    label = f"{method} {path} -> {status}"
    if op is None:
        failures.append(f"{label}: no such operation in openapi.yaml")
        return status, raw
    responses = op.get("responses", {})
    if str(status) not in responses:
        failures.append(f"{label}: status {status} is not documented for {method} {template}")
        return status, raw
    if expect is not None and status != expect:
        failures.append(f"{label}: expected {expect}: {raw[:300]!r}")
    documented = resolve(responses[str(status)])
    content = documented.get("content")
    if content and "application/json" in content:
        if not ctype.startswith("application/json"):
            failures.append(f"{label}: Content-Type {ctype}, documented application/json")
        else:
            schema = dict(content["application/json"]["schema"])
            schema["components"] = SPEC["components"]
            errors = list(OAS31Validator(schema).iter_errors(json.loads(raw)))
            for error in errors[:3]:
                failures.append(f"{label}: {error.message} at {list(error.absolute_path)}")
    checked += 1
    return status, raw


def deliver(server, path, body, headers, expect):
    """A webhook delivery, checked against the document like any call (no token: the signature is its credential)."""
    global checked
    request = urllib.request.Request(server.url + path, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    template, op = operation("POST", path)
    label = f"POST {path} -> {status}"
    if op is None or str(status) not in op.get("responses", {}):
        failures.append(f"{label}: not documented")
        return
    if status != expect:
        failures.append(f"{label}: expected {expect}: {raw[:300]!r}")
    content = resolve(op["responses"][str(status)]).get("content", {})
    if "application/json" in content:
        schema = dict(content["application/json"]["schema"])
        schema["components"] = SPEC["components"]
        for error in list(OAS31Validator(schema).iter_errors(json.loads(raw)))[:3]:
            failures.append(f"{label}: {error.message} at {list(error.absolute_path)}")
    checked += 1


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "suitebridge")
    with DemoServer(binary) as server:
        call(server, "GET", "/healthz", expect=200)
        call(server, "GET", "/readyz", expect=200)
        call(server, "GET", "/api/v1/instances", token="sbt_wrong", expect=401)
        _, raw = call(server, "GET", "/api/v1/instances", expect=200)
        names = [item["name"] for item in json.loads(raw)["items"]]
        oauth2 = next(name for name in names if name.endswith("-oauth2"))
        tba = next(name for name in names if name.endswith("-tba"))
        for name in names:
            call(server, "GET", f"/api/v1/instances/{name}", expect=200)
            call(server, "POST", f"/api/v1/instances/{name}/test", expect=200)
            call(server, "POST", f"/api/v1/instances/{name}/doctor", expect=200)
        call(server, "GET", "/api/v1/instances/nope", expect=404)
        call(server, "POST", "/api/v1/instances", {"name": "bad", "auth": "tba", "accountId": "12 34", "consumerKey": "k",
                                                   "consumerSecret": "s", "tokenId": "t", "tokenSecret": "s"}, expect=400)
        call(server, "POST", "/api/v1/instances", {"name": "copy", "auth": "tba", "accountId": "1234567", "consumerKey": "k",
                                                   "consumerSecret": "s", "tokenId": "t", "tokenSecret": "s"}, expect=201)
        call(server, "POST", "/api/v1/instances", {"name": "copy", "auth": "tba", "accountId": "1234567", "consumerKey": "k",
                                                   "consumerSecret": "s", "tokenId": "t", "tokenSecret": "s"}, expect=409)
        call(server, "PATCH", "/api/v1/instances/copy", {"accountId": "1234567-SB2"}, expect=400)  # secrets needed again
        call(server, "PATCH", "/api/v1/instances/copy", {"accountId": "1234567-SB2", "consumerSecret": "s2", "tokenSecret": "t2"}, expect=200)
        call(server, "PATCH", "/api/v1/instances/copy", {"baseUrl": "https://attacker.example", "consumerSecret": "s2", "tokenSecret": "t2"}, expect=400)
        call(server, "DELETE", "/api/v1/instances/copy", expect=204)
        call(server, "GET", f"/api/v1/instances/{tba}/certificates", expect=200)
        _, raw = call(server, "GET", f"/api/v1/instances/{oauth2}/certificates", expect=200)
        old_id = json.loads(raw)["items"][0]["certificateId"]
        _, raw = call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/rotate", {"keyType": "ec-p256", "days": 365}, expect=201)
        pending = json.loads(raw)
        call(server, "GET", f"/api/v1/instances/{oauth2}/certificates/{pending['certificate']['id']}/pem", expect=200)
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/activate", {"certificateId": "not-uploaded"}, expect=502)
        upload = urllib.request.Request(
            server.simulator + "/simulator/v1/accounts/1234567_SB1/m2m-mappings", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"integrationId": 3, "entityId": 2, "roleId": 1, "certificatePEM": pending["certificatePem"]}).encode())
        new_id = json.loads(urllib.request.urlopen(upload).read())["certificateId"]
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/activate", {"certificateId": new_id}, expect=200)
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/update-id", {"certificateId": new_id}, expect=200)
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/{old_id}/revoke", {}, expect=200)
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/{new_id}/revoke", {}, expect=409)
        call(server, "POST", f"/api/v1/instances/{oauth2}/certificates/rotate", {"automatic": True, "keyType": "ec-p256"}, expect=200)
        call(server, "PATCH", f"/api/v1/instances/{oauth2}", {"rotationDaysBefore": 20}, expect=200)
        call(server, "PATCH", f"/api/v1/instances/{oauth2}", {"rotationDaysBefore": 900}, expect=400)
        call(server, "GET", f"/api/v1/audit?instance={oauth2}&limit=50", expect=200)
        call(server, "GET", "/api/v1/tokens", expect=200)
        call(server, "POST", "/api/v1/tokens", {"name": "ci"}, expect=201)
        call(server, "POST", "/api/v1/tokens", {"name": "ci"}, expect=409)
        call(server, "DELETE", "/api/v1/tokens/ci", expect=204)
        call(server, "DELETE", "/api/v1/tokens/ci", expect=404)
        _, raw = call(server, "POST", "/api/v1/tokens", {"name": "viewer", "scope": "read"}, expect=201)
        viewer = json.loads(raw)["token"]
        call(server, "GET", "/api/v1/instances", token=viewer, expect=200)
        call(server, "POST", f"/api/v1/instances/{tba}/test", token=viewer, expect=403)
        call(server, "POST", "/api/v1/tokens", {"name": "sneaky", "scope": "admin"}, token=viewer, expect=403)
        call(server, "DELETE", "/api/v1/tokens/viewer", expect=204)
        out = "check-exports"  # relative to the server's files root
        call(server, "POST", "/api/v1/flows", {"name": "customers", "definition": {
            "kind": "export", "instance": tba, "export": {"query": "SELECT id FROM customer ORDER BY id", "destination": {"type": "folder", "path": out}}}}, expect=201)
        call(server, "POST", "/api/v1/flows", {"name": "customers", "definition": {
            "kind": "export", "instance": tba, "export": {"query": "SELECT id FROM customer ORDER BY id", "destination": {"type": "folder", "path": out}}}}, expect=409)
        call(server, "POST", "/api/v1/flows", {"name": "bad", "definition": {
            "kind": "export", "instance": "nope", "export": {"query": "SELECT id FROM customer", "destination": {"type": "folder", "path": out}}}}, expect=404)
        _, raw = call(server, "POST", "/api/v1/flows/customers/run", expect=202)
        run_id = json.loads(raw)["id"]
        for _ in range(100):
            _, raw = call(server, "GET", f"/api/v1/runs/{run_id}", expect=200)
            if json.loads(raw)["run"]["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        if json.loads(raw)["run"]["state"] != "succeeded":
            failures.append(f"the flow run did not succeed: {raw[:300]!r}")
        call(server, "GET", "/api/v1/flows", expect=200)
        call(server, "GET", "/api/v1/flows/customers", expect=200)
        call(server, "POST", "/api/v1/flows/customers/pause", expect=200)
        call(server, "POST", "/api/v1/flows/customers/run", expect=409)
        call(server, "POST", "/api/v1/flows/customers/resume", expect=200)
        call(server, "GET", "/api/v1/runs?flow=customers&limit=5", expect=200)
        call(server, "GET", "/api/v1/runs/nope", expect=404)
        call(server, "POST", f"/api/v1/runs/{run_id}/cancel", expect=409)
        call(server, "DELETE", "/api/v1/flows/customers", expect=204)
        # A mirror: discovery, a refused destination, a run, its tables' status.
        call(server, "POST", f"/api/v1/instances/{oauth2}/mirror-tables", expect=200)
        call(server, "POST", "/api/v1/instances/nope/mirror-tables", expect=404)
        call(server, "POST", "/api/v1/flows", {"name": "dw", "definition": {
            "kind": "mirror", "instance": oauth2, "mirror": {"tables": ["customer"], "database": "mysql://db/x"}}}, expect=400)
        call(server, "POST", "/api/v1/flows", {"name": "dw", "definition": {
            "kind": "mirror", "instance": oauth2, "mirror": {"tables": ["customer", "transaction"], "database": "sqlite:check-mirror/dw.sqlite"}}}, expect=201)
        _, raw = call(server, "POST", "/api/v1/flows/dw/run", expect=202)
        run_id = json.loads(raw)["id"]
        for _ in range(200):
            _, raw = call(server, "GET", f"/api/v1/runs/{run_id}", expect=200)
            if json.loads(raw)["run"]["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        if json.loads(raw)["run"]["state"] != "succeeded":
            failures.append(f"the mirror run did not succeed: {raw[:300]!r}")
        call(server, "GET", "/api/v1/flows/dw/mirror", expect=200)
        call(server, "GET", "/api/v1/flows/nope/mirror", expect=404)
        call(server, "DELETE", "/api/v1/flows/dw", expect=204)
        # Lookup tables, an import with a mapping document, its preview, the error inbox.
        call(server, "PUT", "/api/v1/lookups/countries", {"entries": [{"key": "Germany", "value": "DE"}]}, expect=200)
        call(server, "PUT", "/api/v1/lookups/countries", {"entries": [{"key": "", "value": "x"}]}, expect=400)
        call(server, "GET", "/api/v1/lookups", expect=200)
        call(server, "GET", "/api/v1/lookups/countries", expect=200)
        call(server, "GET", "/api/v1/lookups/nothing", expect=404)
        os.makedirs(os.path.join(server.home, "demo", "files"), exist_ok=True)
        with open(os.path.join(server.home, "demo", "files", "people.csv"), "w") as source:
            source.write("ref,name,country\nP-1,Alpha,Germany\nP-2,Beta,Spain\n")
        mapping = {"fields": {"companyName": {"from": "name"}, "comments": {"from": "country", "steps": [{"lookup": "countries"}]},
                              "subsidiary": {"const": "1", "steps": [{"ref": "internal"}]}}}
        call(server, "POST", "/api/v1/flows", {"name": "people", "definition": {"kind": "import", "instance": tba, "import": {
            "source": "people.csv", "recordType": "customer", "externalIdColumn": "ref", "mapping": {"fields": {"a": {"from": "x", "steps": ["shout"]}}}}}}, expect=400)
        call(server, "POST", "/api/v1/flows", {"name": "people", "definition": {"kind": "import", "instance": tba, "import": {
            "source": "people.csv", "recordType": "customer", "externalIdColumn": "ref", "mapping": mapping}}}, expect=201)
        call(server, "POST", "/api/v1/flows/people/preview", {"rows": 5}, expect=200)
        call(server, "POST", "/api/v1/flows/nope/preview", {"rows": 5}, expect=404)
        _, raw = call(server, "POST", "/api/v1/flows/people/run", expect=202)
        run_id = json.loads(raw).get("id", "")
        for _ in range(100):
            _, raw = call(server, "GET", f"/api/v1/runs/{run_id}", expect=200)
            if json.loads(raw).get("run", {}).get("state", "failed") in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        _, raw = call(server, "GET", "/api/v1/errors?flow=people&state=open", expect=200)
        errors = json.loads(raw)["items"]
        if len(errors) != 1:
            failures.append(f"expected one open error for P-2: {raw[:300]!r}")
        else:
            error_id = errors[0]["id"]
            call(server, "GET", f"/api/v1/errors/{error_id}", expect=200)
            call(server, "POST", f"/api/v1/errors/{error_id}/retry", expect=200)
            call(server, "POST", "/api/v1/flows/people/retry-errors", expect=200)
            call(server, "PATCH", f"/api/v1/errors/{error_id}", {"data": {"country": "Germany"}}, expect=200)
            call(server, "POST", f"/api/v1/errors/{error_id}/retry", expect=200)
            call(server, "POST", f"/api/v1/errors/{error_id}/ignore", expect=409)
        call(server, "GET", "/api/v1/errors/nope", expect=404)
        call(server, "DELETE", "/api/v1/flows/people", expect=204)
        # A webhook: created (its secret shown once), a signed delivery, a duplicate, an unsigned one, no such hook.
        _, raw = call(server, "POST", "/api/v1/flows", {"name": "hook", "definition": {"kind": "webhook", "instance": tba, "webhook": {
            "recordType": "customer", "externalIdField": "ref", "mapping": mapping}}}, expect=201)
        created = json.loads(raw)
        if created.get("signingSecret") and created.get("endpoint"):
            body = json.dumps({"ref": "H-1", "name": "Hooked", "country": "Germany"}).encode()
            signature = "sha256=" + hmac.new(created["signingSecret"].encode(), body, hashlib.sha256).hexdigest()
            for expected in (202, 200):
                deliver(server, created["endpoint"], body, {"X-SuiteBridge-Signature": signature, "X-Request-Id": "h-1"}, expected)
            deliver(server, created["endpoint"], body, {}, 401)
            deliver(server, "/hooks/nope", body, {"X-SuiteBridge-Signature": signature}, 404)
        else:
            failures.append(f"the webhook's create response lacks its secret or endpoint: {raw[:300]!r}")
        call(server, "GET", "/api/v1/flows/hook", expect=200)
        call(server, "DELETE", "/api/v1/flows/hook", expect=204)
        call(server, "DELETE", "/api/v1/lookups/countries", expect=204)
        call(server, "DELETE", "/api/v1/lookups/countries", expect=404)
        # Alerts: a private address refused, one on the simulator's host added (nothing listens there: the test fails), removed.
        call(server, "POST", "/api/v1/alerts", {"name": "private", "url": "http://10.1.2.3/alert"}, expect=400)
        call(server, "POST", "/api/v1/alerts", {"name": "ops", "url": server.simulator + "/no-alerts-here", "events": ["run-failed"]}, expect=201)
        call(server, "POST", "/api/v1/alerts", {"name": "ops", "url": server.simulator + "/no-alerts-here"}, expect=409)
        call(server, "GET", "/api/v1/alerts", expect=200)
        call(server, "POST", "/api/v1/alerts/ops/test", expect=400)
        call(server, "POST", "/api/v1/alerts/nope/test", expect=404)
        call(server, "DELETE", "/api/v1/alerts/ops", expect=204)
        call(server, "DELETE", "/api/v1/alerts/ops", expect=404)
        call(server, "GET", "/metrics", expect=200)
    report()


def report():
    for failure in failures:
        print("FAIL", failure)
    print(f"{checked} responses checked against openapi.yaml, {len(failures)} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    try:
        main()
    except Exception:
        report()
        raise
