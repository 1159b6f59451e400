#!/usr/bin/env bash
# Makes the openssl fixtures under Tests/NetSuiteAuthTests/Fixtures/openssl once.
# They are committed; rerunning this replaces them (new random keys), so rerun the
# tests afterwards. Needs OpenSSL 3.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/Tests/NetSuiteAuthTests/Fixtures/openssl"
mkdir -p "$out"; cd "$out"
subj="/C=GB/O=SuiteBridge Fixtures/CN=suitebridge-test"

# Oracle's documented command (NSHELP/section_0312092212.html): an RSASSA-PSS key and certificate.
openssl req -new -x509 -nodes -days 365 -newkey rsa-pss -pkeyopt rsa_keygen_bits:4096 \
  -subj "$subj" -out rsa-pss-4096-cert.pem -keyout rsa-pss-4096-key.pem
# Oracle's EC command, one per curve NetSuite accepts; plus each key in SEC1 form.
for curve in P-256 P-384 P-521; do
  n=$(echo "$curve" | tr -d 'P-')
  openssl req -new -x509 -nodes -days 365 -newkey ec -pkeyopt ec_paramgen_curve:$curve \
    -subj "$subj" -out ec-p$n-cert.pem -keyout ec-p$n-key.pem
  openssl ec -in ec-p$n-key.pem -out ec-p$n-key-sec1.pem 2>/dev/null
done
# The command commonly used for M2M: a plain RSA key (PKCS#8), valid 730 days; plus PKCS#1 form.
openssl req -new -x509 -newkey rsa:4096 -keyout rsa-4096-key.pem -sha256 -out rsa-4096-cert.pem -nodes -days 730 -subj "$subj"
openssl rsa -in rsa-4096-key.pem -traditional -out rsa-4096-key-pkcs1.pem 2>/dev/null
openssl req -new -x509 -newkey rsa:3072 -keyout rsa-3072-key.pem -sha256 -out rsa-3072-cert.pem -nodes -days 365 -subj "$subj"
# What NetSuite refuses: a 2048-bit key, and a certificate valid for 3 years.
openssl req -new -x509 -newkey rsa:2048 -keyout rsa-2048-key.pem -sha256 -out rsa-2048-cert.pem -nodes -days 365 -subj "$subj"
openssl req -new -x509 -key rsa-3072-key.pem -sha256 -out rsa-3072-3years-cert.pem -days 1095 -subj "$subj"
# An encrypted key (passphrase "fixture"), in PKCS#8 and legacy forms.
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa-3072-key.pem -passout pass:fixture -out rsa-3072-key-encrypted.pem
openssl rsa -in rsa-3072-key.pem -traditional -aes256 -passout pass:fixture -out rsa-3072-key-encrypted-legacy.pem 2>/dev/null
# Not a key at all.
printf -- '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n' > garbage-key.pem
printf 'hello, this is not PEM\n' > not-pem.txt
# What openssl itself reads in each certificate, for the tests to compare against.
for c in *-cert.pem; do
  b=${c%-cert.pem}
  {
    echo "subject=$(openssl x509 -in "$c" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
    echo "serial=$(openssl x509 -in "$c" -noout -serial | sed 's/^serial=//')"
    echo "notBefore=$(openssl x509 -in "$c" -noout -startdate | sed 's/^notBefore=//')"
    echo "notAfter=$(openssl x509 -in "$c" -noout -enddate | sed 's/^notAfter=//')"
    echo "sha256=$(openssl x509 -in "$c" -noout -fingerprint -sha256 | sed 's/^.*=//')"
    echo "sigalg=$(openssl x509 -in "$c" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | head -1 | sed 's/ *$//')"
    echo "bits=$(openssl x509 -in "$c" -noout -text | sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p')"
  } > "$b.openssl.txt"
done
ls -1
