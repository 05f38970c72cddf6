#!/bin/sh
# Makes the X.509 test PKI for tests/crypto/x509_*_test.cc into OUTDIR with the
# openssl command line. Nothing here is committed: every run makes fresh keys,
# and every validity period is relative to the moment the script runs, so the
# material never rots. The tests pass that moment (`now`) to TrustStore::verify.
#
#   CAs: valid from now-2d (int: now-1d) to now+10y; CRLs: from now-1d to now+30d
#   root (RSA-3072, "C=CH, O=tern, CN=tern Root CA")
#   └── int (ECDSA P-256, "C=CH, O=tern, CN=tern Intermediate CA")
#       ├── a        ECDSA P-256  DNS:a.example.org, email:a@example.org, IP:192.0.2.1, IP:2001:db8::1
#       ├── b        ECDSA P-256  DNS:b.example.org
#       ├── rsa      RSA-3072     DNS:rsa.example.org
#       ├── ed       Ed25519      DNS:ed.example.org
#       ├── expired  ECDSA P-256  valid from now-30d to now-1d
#       ├── notyet   ECDSA P-256  valid from now+10d to now+40d
#       └── revoked  ECDSA P-256  listed in int.crl.pem
#   other (ECDSA P-256, "C=CH, O=elsewhere, CN=Other CA", not trusted)
#   └── stranger ECDSA P-256  DNS:stranger.example.org
#
# Files: <name>.pem (certificate), <name>.key (PKCS#8 key), <name>.der,
# root.crl.pem, int.crl.pem, other.crl.pem, garbled.der, truncated.der, NOW (unix seconds).
#
# Usage: make_test_pki.sh OUTDIR
set -eu
out=$1
mkdir -p "$out"
cd "$out"

now=$(date -u +%s)
echo "$now" > NOW
# openssl ca dates: YYYYMMDDHHMMSSZ, relative to now.
at() { date -u -d "@$((now + $1))" +%Y%m%d%H%M%SZ; }
day=86400
# ca.cnf reads these; each openssl ca call sets its own.
export CA_DIR=. SAN=DNS:unused.invalid

cat > ca.cnf <<'CNF'
[ca]
default_ca = ca_any
[ca_any]
dir = $ENV::CA_DIR
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
policy = policy_any
preserve = yes
unique_subject = no
email_in_dn = no
copy_extensions = none
default_crl_days = 30
[policy_any]
countryName = optional
organizationName = optional
commonName = supplied
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_ee]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.5.5.8.2.2
subjectAltName = $ENV::SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[req]
distinguished_name = req_dn
[req_dn]
CNF

key() {  # key NAME TYPE
  case $2 in
    rsa3072) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1.key" 2>/dev/null ;;
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" ;;
  esac
  chmod 600 "$1.key"
}

cadir() {  # cadir NAME
  mkdir -p "$1.ca/new"
  : > "$1.ca/index.txt"
  echo 1000 > "$1.ca/serial"
  echo 01 > "$1.ca/crlnumber"
}

# sign ISSUER NAME SUBJECT EXTENSIONS START END [SAN]
sign() {
  openssl req -new -key "$2.key" -subj "$3" -config ca.cnf -out "$2.csr"
  CA_DIR="$1.ca" SAN="${7:-DNS:unused.invalid}" openssl ca -batch -config ca.cnf \
    -cert "$1.pem" -keyfile "$1.key" -in "$2.csr" -out "$2.pem" -notext \
    -extensions "$4" -startdate "$(at "$5")" -enddate "$(at "$6")" 2>/dev/null
  openssl x509 -in "$2.pem" -outform DER -out "$2.der"
}

selfsign() {  # selfsign NAME SUBJECT: valid from now-2d to now+10y
  openssl req -new -key "$1.key" -subj "$2" -config ca.cnf -out "$1.csr"
  cadir "$1"
  CA_DIR="$1.ca" openssl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" -in "$1.csr" \
    -out "$1.pem" -notext -extensions v3_ca -startdate "$(at $((-2 * day)))" \
    -enddate "$(at $((3650 * day)))" 2>/dev/null
  openssl x509 -in "$1.pem" -outform DER -out "$1.der"
}

crl() {  # crl CA
  CA_DIR="$1.ca" SAN=x openssl ca -batch -config ca.cnf -cert "$1.pem" -keyfile "$1.key" \
    -gencrl -crl_lastupdate "$(at $((-day)))" -crl_nextupdate "$(at $((30 * day)))" \
    -out "$1.crl.pem" 2>/dev/null
}

key root rsa3072
selfsign root "/C=CH/O=tern/CN=tern Root CA"
key int p256
sign root int "/C=CH/O=tern/CN=tern Intermediate CA" v3_ca $((-day)) $((3650 * day))
cadir int

key a p256
sign int a "/C=CH/O=tern/CN=a.example.org" v3_ee $((-day)) $((365 * day)) \
  "DNS:a.example.org, email:a@example.org, IP:192.0.2.1, IP:2001:db8::1"
key b p256
sign int b "/C=CH/O=tern/CN=b.example.org" v3_ee $((-day)) $((365 * day)) "DNS:b.example.org"
key rsa rsa3072
sign int rsa "/C=CH/O=tern/CN=rsa.example.org" v3_ee $((-day)) $((365 * day)) "DNS:rsa.example.org"
key ed ed25519
sign int ed "/C=CH/O=tern/CN=ed.example.org" v3_ee $((-day)) $((365 * day)) "DNS:ed.example.org"
key short p256  # expires while an IKE SA is up (the certificate-expiry watch)
sign int short "/C=CH/O=tern/CN=short.example.org" v3_ee $((-day)) $((30 * day)) \
  "DNS:short.example.org"
key expired p256
sign int expired "/C=CH/O=tern/CN=expired.example.org" v3_ee $((-30 * day)) $((-day)) \
  "DNS:expired.example.org"
key notyet p256
sign int notyet "/C=CH/O=tern/CN=notyet.example.org" v3_ee $((10 * day)) $((40 * day)) \
  "DNS:notyet.example.org"
key renewed p256  # short's successor, loaded beside it (a choice among certificates)
sign int renewed "/C=CH/O=tern/CN=short.example.org" v3_ee $((-day)) $((365 * day)) \
  "DNS:short.example.org"
key revoked p256
sign int revoked "/C=CH/O=tern/CN=revoked.example.org" v3_ee $((-day)) $((365 * day)) \
  "DNS:revoked.example.org"
CA_DIR=int.ca SAN=x openssl ca -batch -config ca.cnf -cert int.pem -keyfile int.key \
  -revoke revoked.pem 2>/dev/null

key other p256
selfsign other "/C=CH/O=elsewhere/CN=Other CA"
key stranger p256
sign other stranger "/C=CH/O=elsewhere/CN=stranger.example.org" v3_ee $((-day)) $((365 * day)) \
  "DNS:stranger.example.org"
key a_other p256  # a.example.org again, from the other CA (a choice by CERTREQ)
sign other a_other "/C=CH/O=elsewhere/CN=a.example.org" v3_ee $((-day)) $((365 * day)) \
  "DNS:a.example.org, email:a@example.org"

crl root
crl int
crl other

# Broken certificates: the first 100 octets of a, and a with octets flipped in the middle.
head -c 100 a.der > truncated.der
cp a.der garbled.der
printf '\377\377\377\377' | dd of=garbled.der bs=1 seek=40 conv=notrunc 2>/dev/null

# Independent values for the tests: SHA-1 of each CA's SubjectPublicKeyInfo
# (the CERTREQ hash, RFC 7296 §3.7), and signatures made by OpenSSL over
# signed.bin with the end-entity keys (ECDSA DER, PKCS#1 v1.5, Ed25519).
for ca in root int other; do
  openssl x509 -in "$ca.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha1 -r | cut -d' ' -f1 > "$ca.spki.sha1"
done
head -c 300 /dev/urandom > signed.bin
openssl dgst -sha256 -sign a.key -out a.sig signed.bin
openssl dgst -sha256 -sign rsa.key -out rsa.sig signed.bin
openssl pkeyutl -sign -inkey ed.key -rawin -in signed.bin -out ed.sig
