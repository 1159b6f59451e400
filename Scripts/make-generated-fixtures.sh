#!/usr/bin/env bash
# Generates one certificate per key type with `suitebridge cert generate`, and records what openssl says of
# each (openssl x509 -text, openssl pkey -check), under Tests/NetSuiteAuthTests/Fixtures/generated. Run once;
# the results are committed, and the tests check that openssl accepted them and that they parse back.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build --product suitebridge >/dev/null
bin="$root/.build/debug/suitebridge"
out="$root/Tests/NetSuiteAuthTests/Fixtures/generated"
rm -rf "$out"; mkdir -p "$out"
for key in rsa-3072 rsa-4096 ec-p256 ec-p384 ec-p521; do
  dir="$out/$key"
  "$bin" cert generate --key "$key" --subject "CN=SuiteBridge fixture $key, O=SuiteBridge, C=GB" --out "$dir" >/dev/null
  openssl x509 -in "$dir/auth-cert.pem" -noout -text > "$dir/openssl-x509.txt"
  openssl x509 -in "$dir/auth-cert.pem" -noout -fingerprint -sha256 | sed 's/^.*=//' > "$dir/openssl-sha256.txt"
  openssl pkey -in "$dir/auth-key.pem" -check -noout > "$dir/openssl-pkey-check.txt" 2>&1
  openssl verify -CAfile "$dir/auth-cert.pem" -check_ss_sig "$dir/auth-cert.pem" > "$dir/openssl-verify.txt" 2>&1 || true
  stat -c '%a' "$dir/auth-key.pem" > "$dir/key-mode.txt"
done
ls -R "$out"
