#!/usr/bin/env python3
"""Computes OAuth 1.0a HMAC-SHA256 vectors with oauthlib (an independent implementation)
and writes them to Tests/NetSuiteAuthTests/Fixtures/oauth1/oauthlib-vectors.json.

Run once (`pip install oauthlib`); the JSON is committed and the Swift tests compare
NetSuiteAuth's base strings and signatures with it."""
import json, os
from oauthlib.oauth1 import Client, SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER
from oauthlib.oauth1.rfc5849 import signature as sig
from oauthlib.common import Request

CASES = [
    dict(name="suiteql POST with query", method="POST",
         url="https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0",
         body=None, realm="1234567_SB1"),
    dict(name="restlet GET with script, deploy and custom params", method="GET",
         url="https://tstdrv1431250.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=123&deploy=1&customer=ACME+Ltd&note=caf%C3%A9%20%26%20b%C3%A4r",
         body=None, realm="TSTDRV1431250"),
    dict(name="repeated query keys, reserved characters, plus and %20", method="GET",
         url="https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer?q=companyName+START_WITH+%22A%26B%22&b=2&a=x%2By&a=x%20y&a=!*'()&empty=",
         body=None, realm="1234567"),
    dict(name="form body is signed", method="POST",
         url="https://1234567-rp.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=7&deploy=2",
         body="c2&a3=2+q&name=%E2%82%AC%20price&z=%2F~._-", realm="1234567_RP"),
    dict(name="non-default port and upper case host", method="get",
         url="HTTP://127.0.0.1:8081/services/rest/record/v1/customer/42?fields=companyName,email",
         body=None, realm="1234567_SB2"),
    dict(name="default https port dropped", method="DELETE",
         url="https://1234567.SuiteTalk.api.netsuite.com:443/services/rest/record/v1/customer/eid:CUST-1",
         body=None, realm="1234567"),
]
CREDS = [
    dict(consumer_key="ck-ABC123", consumer_secret="cs&secret/with=reserved", token_id="tok~id.1", token_secret="ts secret ünïcode"),
    dict(consumer_key="9f1c2e7a" * 8, consumer_secret="0a1b2c3d" * 8, token_id="5e6f7a8b" * 8, token_secret="c9d0e1f2" * 8),
]

vectors = []
for i, case in enumerate(CASES):
    creds = CREDS[i % len(CREDS)]
    timestamp = str(1764200000 + i)
    nonce = f"nonce{i}AbCdEf{i * 7919}"
    client = Client(creds["consumer_key"], client_secret=creds["consumer_secret"],
                    resource_owner_key=creds["token_id"], resource_owner_secret=creds["token_secret"],
                    signature_method=SIGNATURE_HMAC_SHA256, signature_type=SIGNATURE_TYPE_AUTH_HEADER,
                    realm=case["realm"], timestamp=timestamp, nonce=nonce)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if case["body"] is not None else {}
    uri, signed_headers, _ = client.sign(case["url"], http_method=case["method"].upper(), body=case["body"], headers=headers)
    # Recompute the base string oauthlib signed, from the header it made.
    req = Request(case["url"], case["method"].upper(), case["body"], signed_headers)
    params = [(k, v) for k, v in sig.collect_parameters(uri_query=req.uri_query, body=req.body if case["body"] else None,
                                                         headers=signed_headers, exclude_oauth_signature=True, with_realm=False)]
    normalized = sig.normalize_parameters(params)
    base_uri = sig.base_string_uri(case["url"])
    base = sig.signature_base_string(case["method"].upper(), base_uri, normalized)
    header = signed_headers["Authorization"]
    signature = [p.split("=", 1)[1].strip('"') for p in header[len("OAuth "):].split(", ") if p.startswith("oauth_signature=")][0]
    vectors.append(dict(case, **creds, timestamp=int(timestamp), nonce=nonce,
                        baseString=base, signature=signature, oauthlibHeader=header))

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "NetSuiteAuthTests", "Fixtures", "oauth1", "oauthlib-vectors.json")
with open(out, "w") as f:
    json.dump(vectors, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(vectors)} vectors")
