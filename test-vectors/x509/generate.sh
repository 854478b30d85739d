#!/usr/bin/env bash
# Generates the X.509 test PKI with the openssl CLI (OpenSSL 3, which has SM2/SM3) for three
# algorithms: rsa (sha256WithRSAEncryption), ec (ECDSA P-256 with SHA-256) and sm2 (SM2 with SM3,
# distinguishing ID 1234567812345678). For each algorithm, under <alg>/:
#
#   root.pem                 self-signed root CA (trust anchor)
#   intermediate.pem         CA:TRUE, pathlen:0, keyCertSign+cRLSign, issued by the root
#   clinician.pem/.der/.key  good staff leaf: digitalSignature, clientAuth, test policy OID
#   revoked.pem/.key         revoked (keyCompromise) in intermediate.crl
#   revoked-delta.pem        revoked after intermediate.crl, listed in intermediate-delta.crl only
#   expired.pem/.key         validity 2020-01-01 .. 2021-01-01
#   not-yet-valid.pem        validity from 2099-01-01
#   wrong-issuer.pem         issued by rogue-ca.pem (a CA the root never certified)
#   bad-signature.pem        clinician.pem with one signature byte flipped
#   no-key-usage.pem         leaf without keyUsage
#   wrong-eku.pem            leaf with serverAuth only
#   ca-false.pem             "intermediate" with CA:FALSE (but keyCertSign), and leaf-under-ca-false.pem
#   sub-ca.pem               CA under the pathlen:0 intermediate, and leaf-pathlen.pem under it
#   no-cert-sign-ca.pem      CA:TRUE issued by the root but keyUsage without keyCertSign, and
#                            leaf-under-no-cert-sign.pem under it
#   unknown-critical.pem     leaf with an unknown critical extension (1.2.3.4)
#   malformed-extension.pem  leaf whose basicConstraints value is truncated DER (correctly signed)
#   ed25519-ca.pem           CA with an Ed25519 key issued by the root, and leaf-ed25519.pem signed by it
#                            with Ed25519 (an algorithm the validator does not support)
#   root.crl, intermediate.crl, intermediate-stale.crl (2020), intermediate-delta.crl (deltaCRL of #1),
#   ca-false.crl, sub-ca.crl, no-cert-sign-ca.crl (all DER)
#
# Every date is fixed (ISSUED below, not the wall clock), and so are the key identifiers of the root
# and the staff CA (ROOT_KEY_ID, STAFF_CA_KEY_ID): re-running the script keeps the manifest's "at" and
# the CRL issuer key ids that other packages' tests and configurations use; only keys, serials and
# signatures change.
# Leaf private keys are PKCS#8 PEM, unencrypted: TEST ONLY (the staff-card simulator carries them).
# manifest.json (written by this script) lists the chain cases and their expected verdicts.
# Usage: bash test-vectors/x509/generate.sh
# Then rebuild the staff card image that carries sm2/clinician.{pem,key} (issuer-desktop, demo):
#   pnpm --filter @rhc/card-sim cli make-staff --cert "$PWD/test-vectors/x509/sm2/clinician.pem" \
#     --key "$PWD/test-vectors/x509/sm2/clinician.key" --pin 1234 --puk 12345678 \
#     --out "$PWD/test-vectors/card-images/410100/staff-sm2.json"
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

POLICY_OID=2.25.218836389347823740194618743018529637701
SM2_ID=distid:1234567812345678
ISSUED=2026-11-25T00:00:00Z # notBefore, CRL thisUpdate and revocation date of every good object
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
START=$(stamp "$ISSUED")
END=$(stamp "$ISSUED + 3650 days")
AT=$(date -u -d "$ISSUED + 1 day" +%Y-%m-%dT%H:%M:%SZ)
# RFC 5280 allows any unique key identifier; CRLs are served and configured by issuer key id.
declare -A ROOT_KEY_ID=([rsa]=98A7D308A7851AEBCA9C650453570D6AE8055F74
  [ec]=6335DFF34726C83E84FFC810B2449555A4B0C9F4 [sm2]=98F3BE125C00BD5A517BA9FE933ABA03D33381F3)
declare -A STAFF_CA_KEY_ID=([rsa]=92881F4F687CFBEAF6A792077119F5BDC5E71EB3
  [ec]=1561250A1CE6D7AC72E0CDB9C0A5FCA7E0FADE62 [sm2]=506D9EF07CABD404A4068EDBAC0EB1AEFA8CF4B9)

# Runs a command, showing its stderr only when it fails (openssl ca is chatty).
quiet() { "$@" 2>"$TMP/stderr" || { cat "$TMP/stderr" >&2; return 1; }; }

keygen() { # alg out
  case $1 in
    rsa) quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
    sm2) openssl genpkey -algorithm SM2 -out "$2" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$2" ;;
  esac
}

sign_opts() { # ca-alg [csr-alg] → options for openssl ca
  case $1 in
    sm2) echo "-md sm3 -sigopt $SM2_ID" ;;
    ed25519) echo "-md null" ;;
    *) echo "-md sha256" ;;
  esac
  # The request's self-signature: SM2 needs the ID (and only SM2 accepts one).
  [[ ${2:-} == sm2 ]] && echo "-vfyopt $SM2_ID"
  return 0
}

req_opts() {
  case $1 in
    sm2) echo "-sm3 -sigopt $SM2_ID" ;;
    ed25519) ;;
    *) echo "-sha256" ;;
  esac
}

# Key identifiers and the test policy: shared by every profile of ca.cnf below the root.
KEY_IDS_AND_POLICY="subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = $POLICY_OID"
# The staff leaf profile below basicConstraints (the good leaf and the broken-extension ones).
STAFF_LEAF="keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
$KEY_IDS_AND_POLICY"

new_ca_dir() { # name → prints the config path
  local dir="$TMP/$ALG/$1"
  mkdir -p "$dir/newcerts"
  : >"$dir/index.txt"
  echo 01 >"$dir/crlnumber"
  echo 1000 >"$dir/serial"
  cat >"$dir/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
crlnumber = \$dir/crlnumber
serial = \$dir/serial
policy = policy_any
unique_subject = no
copy_extensions = none
default_days = 3650
default_crl_days = 3650
default_md = sha256
utf8 = yes
[ policy_any ]
commonName = supplied
organizationName = optional
countryName = optional
[ req ]
distinguished_name = dn
prompt = no
utf8 = yes
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = ${ROOT_KEY_ID[$ALG]}
[ v3_rogue_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = ${STAFF_CA_KEY_ID[$ALG]}
authorityKeyIdentifier = keyid:always
certificatePolicies = $POLICY_OID
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
$KEY_IDS_AND_POLICY
[ v3_ca_no_cert_sign ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign
$KEY_IDS_AND_POLICY
[ v3_ca_false ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_clinician ]
basicConstraints = critical, CA:FALSE
$STAFF_LEAF
[ v3_unknown_critical ]
basicConstraints = critical, CA:FALSE
$STAFF_LEAF
1.2.3.4 = critical, ASN1:UTF8String:x
[ v3_malformed_extension ]
# SEQUENCE { BOOLEAN of length 1 without its content byte }: openssl copies raw DER unchecked
basicConstraints = critical, DER:30030101
$STAFF_LEAF
[ v3_no_key_usage ]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = $POLICY_OID
[ v3_wrong_eku ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = $POLICY_OID
[ crl_full ]
authorityKeyIdentifier = keyid:always
[ crl_delta ]
authorityKeyIdentifier = keyid:always
# deltaCRLIndicator (2.5.29.27), base CRL number 1 (openssl has no config name for it)
2.5.29.27 = critical, ASN1:INTEGER:1
CNF
  echo "$dir/ca.cnf"
}

# issue <ca-cnf> <ca-cert|-selfsign> <ca-key> <subject> <ext> <key> <out> [startdate enddate]
# KEY_ALG / CA_ALG name the subject's / the issuer's key algorithm when it is not $ALG.
issue() {
  local cnf=$1 cacert=$2 cakey=$3 subj=$4 ext=$5 key=$6 out=$7 start=${8:-$START} end=${9:-$END}
  local csr="$TMP/$ALG/req.csr"
  # shellcheck disable=SC2046
  openssl req -new -config "$cnf" -key "$key" -subj "$subj" -utf8 $(req_opts "${KEY_ALG:-$ALG}") -out "$csr"
  local issuer_args=(-cert "$cacert")
  [[ $cacert == -selfsign ]] && issuer_args=(-selfsign)
  # shellcheck disable=SC2046
  quiet openssl ca -batch -notext -preserveDN -rand_serial -config "$cnf" "${issuer_args[@]}" -keyfile "$cakey" \
    -extensions "$ext" -startdate "$start" -enddate "$end" $(sign_opts "${CA_ALG:-$ALG}" "${KEY_ALG:-$ALG}") \
    -in "$csr" -out "$out"
  # openssl ca exits 0 when the request's signature does not verify; it just writes nothing.
  [[ -s $out ]] || { cat "$TMP/stderr" >&2; echo "not issued: $out" >&2; return 1; }
}

gencrl() { # cnf cacert cakey ext out [lastupdate nextupdate]
  local cnf=$1 cacert=$2 cakey=$3 ext=$4 out=$5 last=${6:-$START} next=${7:-$END}
  # shellcheck disable=SC2046
  quiet openssl ca -batch -config "$cnf" -gencrl -cert "$cacert" -keyfile "$cakey" -crlexts "$ext" \
    -crl_lastupdate "$last" -crl_nextupdate "$next" $(sign_opts "$ALG") -out "$TMP/$ALG/crl.pem"
  openssl crl -in "$TMP/$ALG/crl.pem" -outform DER -out "$out"
}

revoke() { # cnf cacert cakey cert
  quiet openssl ca -batch -config "$1" -cert "$2" -keyfile "$3" -revoke "$4" -crl_reason keyCompromise
  # openssl records the wall clock as the revocation date; pin it (index.txt: R, expiry, revoked,…).
  sed -i -E "s/^(R\t[^\t]*\t)[0-9]{12}Z/\1${START:2}/" "$(dirname "$1")/index.txt"
}

for ALG in rsa ec sm2; do
  out="$HERE/$ALG"
  rm -rf "$out"
  mkdir -p "$out" "$TMP/$ALG/keys"
  K="$TMP/$ALG/keys"
  O="O=rhc-middleware test PKI"
  for name in root intermediate rogue ca-false sub-ca clinician revoked revoked-delta expired not-yet-valid \
    wrong-issuer no-key-usage wrong-eku leaf-under-ca-false leaf-pathlen no-cert-sign-ca leaf-under-no-cert-sign \
    unknown-critical malformed-extension leaf-ed25519; do
    keygen "$ALG" "$K/$name.key"
  done
  keygen ed25519 "$K/ed25519-ca.key"

  root_cnf=$(new_ca_dir root)
  issue "$root_cnf" -selfsign "$K/root.key" "/C=CN/$O/CN=RHC Test Root CA ($ALG)" v3_root "$K/root.key" "$out/root.pem"

  rogue_cnf=$(new_ca_dir rogue)
  issue "$rogue_cnf" -selfsign "$K/rogue.key" "/C=CN/$O/CN=RHC Rogue CA ($ALG)" v3_rogue_root "$K/rogue.key" "$TMP/$ALG/rogue.pem"
  cp "$TMP/$ALG/rogue.pem" "$out/rogue-ca.pem"

  issue "$root_cnf" "$out/root.pem" "$K/root.key" "/C=CN/$O/CN=RHC Test Staff CA ($ALG)" v3_intermediate \
    "$K/intermediate.key" "$out/intermediate.pem"
  issue "$root_cnf" "$out/root.pem" "$K/root.key" "/C=CN/$O/CN=RHC Test CA:FALSE Issuer ($ALG)" v3_ca_false \
    "$K/ca-false.key" "$out/ca-false.pem"
  issue "$root_cnf" "$out/root.pem" "$K/root.key" "/C=CN/$O/CN=RHC Test No-keyCertSign CA ($ALG)" v3_ca_no_cert_sign \
    "$K/no-cert-sign-ca.key" "$out/no-cert-sign-ca.pem"
  KEY_ALG=ed25519 issue "$root_cnf" "$out/root.pem" "$K/root.key" "/C=CN/$O/CN=RHC Test Ed25519 CA ($ALG)" v3_ca \
    "$K/ed25519-ca.key" "$out/ed25519-ca.pem"

  inter_cnf=$(new_ca_dir intermediate)
  ic=("$inter_cnf" "$out/intermediate.pem" "$K/intermediate.key")
  issue "${ic[@]}" "/C=CN/$O/CN=测试医生 Clinician ($ALG)" v3_clinician "$K/clinician.key" "$out/clinician.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Revoked Clinician ($ALG)" v3_clinician "$K/revoked.key" "$out/revoked.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Delta-Revoked Clinician ($ALG)" v3_clinician "$K/revoked-delta.key" "$out/revoked-delta.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Expired Clinician ($ALG)" v3_clinician "$K/expired.key" "$out/expired.pem" \
    20200101000000Z 20210101000000Z
  issue "${ic[@]}" "/C=CN/$O/CN=Future Clinician ($ALG)" v3_clinician "$K/not-yet-valid.key" "$out/not-yet-valid.pem" \
    20990101000000Z 21000101000000Z
  issue "${ic[@]}" "/C=CN/$O/CN=No KeyUsage Clinician ($ALG)" v3_no_key_usage "$K/no-key-usage.key" "$out/no-key-usage.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Server-EKU Leaf ($ALG)" v3_wrong_eku "$K/wrong-eku.key" "$out/wrong-eku.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=RHC Test Sub CA ($ALG)" v3_ca "$K/sub-ca.key" "$out/sub-ca.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Unknown-Critical Clinician ($ALG)" v3_unknown_critical "$K/unknown-critical.key" \
    "$out/unknown-critical.pem"
  issue "${ic[@]}" "/C=CN/$O/CN=Malformed-Extension Clinician ($ALG)" v3_malformed_extension \
    "$K/malformed-extension.key" "$out/malformed-extension.pem"
  issue "$rogue_cnf" "$TMP/$ALG/rogue.pem" "$K/rogue.key" "/C=CN/$O/CN=Wrong-Issuer Clinician ($ALG)" v3_clinician \
    "$K/wrong-issuer.key" "$out/wrong-issuer.pem"

  cafalse_cnf=$(new_ca_dir ca-false)
  issue "$cafalse_cnf" "$out/ca-false.pem" "$K/ca-false.key" "/C=CN/$O/CN=Leaf Under CA:FALSE ($ALG)" v3_clinician \
    "$K/leaf-under-ca-false.key" "$out/leaf-under-ca-false.pem"
  subca_cnf=$(new_ca_dir sub-ca)
  issue "$subca_cnf" "$out/sub-ca.pem" "$K/sub-ca.key" "/C=CN/$O/CN=Path-Length Clinician ($ALG)" v3_clinician \
    "$K/leaf-pathlen.key" "$out/leaf-pathlen.pem"
  nocertsign_cnf=$(new_ca_dir no-cert-sign-ca)
  issue "$nocertsign_cnf" "$out/no-cert-sign-ca.pem" "$K/no-cert-sign-ca.key" \
    "/C=CN/$O/CN=Leaf Under No-keyCertSign CA ($ALG)" v3_clinician "$K/leaf-under-no-cert-sign.key" \
    "$out/leaf-under-no-cert-sign.pem"
  edca_cnf=$(new_ca_dir ed25519-ca)
  CA_ALG=ed25519 issue "$edca_cnf" "$out/ed25519-ca.pem" "$K/ed25519-ca.key" \
    "/C=CN/$O/CN=Ed25519-Signed Clinician ($ALG)" v3_clinician "$K/leaf-ed25519.key" "$out/leaf-ed25519.pem"

  # Bad signature: flip the last byte of the DER (inside the signature value).
  openssl x509 -in "$out/clinician.pem" -outform DER -out "$out/clinician.der"
  cp "$out/clinician.der" "$TMP/$ALG/bad.der"
  size=$(stat -c %s "$TMP/$ALG/bad.der")
  last=$(od -An -tu1 -j $((size - 1)) -N1 "$TMP/$ALG/bad.der" | tr -d ' ')
  printf "$(printf '\\%03o' $((last ^ 1)))" | dd of="$TMP/$ALG/bad.der" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
  openssl x509 -inform DER -in "$TMP/$ALG/bad.der" -out "$out/bad-signature.pem"

  # CRLs: the root's (empty), the intermediate's base #1 (revoked.pem), a stale one, a delta.
  gencrl "$root_cnf" "$out/root.pem" "$K/root.key" crl_full "$out/root.crl"
  revoke "${ic[@]}" "$out/revoked.pem"
  gencrl "${ic[@]}" crl_full "$out/intermediate.crl"
  gencrl "${ic[@]}" crl_full "$out/intermediate-stale.crl" 20200101000000Z 20200201000000Z
  revoke "${ic[@]}" "$out/revoked-delta.pem"
  gencrl "${ic[@]}" crl_delta "$out/intermediate-delta.crl"
  gencrl "$cafalse_cnf" "$out/ca-false.pem" "$K/ca-false.key" crl_full "$out/ca-false.crl"
  gencrl "$subca_cnf" "$out/sub-ca.pem" "$K/sub-ca.key" crl_full "$out/sub-ca.crl"
  gencrl "$nocertsign_cnf" "$out/no-cert-sign-ca.pem" "$K/no-cert-sign-ca.key" crl_full "$out/no-cert-sign-ca.crl"

  for name in clinician revoked expired; do cp "$K/$name.key" "$out/$name.key"; done
  echo "generated $ALG"
done

# The cases every validator test runs, per algorithm. "at" lies inside every good validity period.
cat >"$HERE/manifest.json" <<JSON
{
  "generatedBy": "test-vectors/x509/generate.sh, openssl $(openssl version | cut -d' ' -f2)",
  "generatedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "at": "$AT",
  "algorithms": ["rsa", "ec", "sm2"],
  "policyOid": "$POLICY_OID",
  "sm2UserId": "1234567812345678",
  "leafKeys": { "clinician": "clinician.key", "revoked": "revoked.key", "expired": "expired.key" },
  "cases": [
    { "name": "valid", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": true, "reasons": [] },
    { "name": "valid (DER leaf)", "leaf": "clinician.der", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": true, "reasons": [] },
    { "name": "expired", "leaf": "expired.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["EXPIRED"] },
    { "name": "not yet valid", "leaf": "not-yet-valid.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["NOT_YET_VALID"] },
    { "name": "wrong issuer", "leaf": "wrong-issuer.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["ISSUER_NOT_FOUND"] },
    { "name": "bad signature", "leaf": "bad-signature.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["BAD_SIGNATURE"] },
    { "name": "revoked", "leaf": "revoked.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["REVOKED"] },
    { "name": "revoked (delta CRL)", "leaf": "revoked-delta.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl", "intermediate-delta.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["REVOKED"] },
    { "name": "not revoked in the base CRL alone", "leaf": "revoked-delta.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": true, "reasons": [] },
    { "name": "stale CRL", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate-stale.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["CRL_STALE"] },
    { "name": "no CRL, revocation required", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": [], "policy": { "revocation": "required" }, "valid": false, "reasons": ["REVOCATION_UNKNOWN", "REVOCATION_UNKNOWN"] },
    { "name": "no CRL, revocation optional", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": [], "policy": { "revocation": "optional" }, "valid": true, "reasons": [] },
    { "name": "CA:FALSE intermediate", "leaf": "leaf-under-ca-false.pem", "chain": ["ca-false.pem"], "crls": ["root.crl", "ca-false.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["NOT_A_CA"] },
    { "name": "pathLen exceeded", "leaf": "leaf-pathlen.pem", "chain": ["sub-ca.pem", "intermediate.pem"], "crls": ["root.crl", "intermediate.crl", "sub-ca.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["PATH_LENGTH_EXCEEDED"] },
    { "name": "intermediate keyUsage lacks keyCertSign", "leaf": "leaf-under-no-cert-sign.pem", "chain": ["no-cert-sign-ca.pem"], "crls": ["root.crl", "no-cert-sign-ca.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["KEY_USAGE"] },
    { "name": "unknown critical extension", "leaf": "unknown-critical.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["UNKNOWN_CRITICAL_EXTENSION"] },
    { "name": "malformed extension", "leaf": "malformed-extension.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required" }, "valid": false, "reasons": ["MALFORMED_EXTENSION"] },
    { "name": "unsupported signature algorithm (Ed25519)", "leaf": "leaf-ed25519.pem", "chain": ["ed25519-ca.pem"], "crls": ["root.crl"], "policy": { "revocation": "optional" }, "valid": false, "reasons": ["UNSUPPORTED_ALGORITHM"] },
    { "name": "missing keyUsage", "leaf": "no-key-usage.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required", "requiredKeyUsage": ["digitalSignature"] }, "valid": false, "reasons": ["KEY_USAGE"] },
    { "name": "wrong EKU", "leaf": "wrong-eku.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required", "requiredExtendedKeyUsage": ["clientAuth"] }, "valid": false, "reasons": ["EXTENDED_KEY_USAGE"] },
    { "name": "staff policy (clientAuth, digitalSignature, policy OID)", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required", "requiredKeyUsage": ["digitalSignature"], "requiredExtendedKeyUsage": ["clientAuth"], "requiredPolicyOids": ["$POLICY_OID"] }, "valid": true, "reasons": [] },
    { "name": "required policy OID missing", "leaf": "clinician.pem", "chain": ["intermediate.pem"], "crls": ["root.crl", "intermediate.crl"], "policy": { "revocation": "required", "requiredPolicyOids": ["2.25.1"] }, "valid": false, "reasons": ["POLICY_MISSING", "POLICY_MISSING"] }
  ]
}
JSON
echo "wrote $HERE/manifest.json (at = $AT)"
