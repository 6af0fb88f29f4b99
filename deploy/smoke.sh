#!/usr/bin/env bash
# Smoke test of a Greenshank install on YOUR cluster (kind or minikube with Istio installed, kubectl pointing at it).
# It cannot run in this repository's CI (no cluster, no registry): ./mvnw verify renders, parses and applies the same
# manifests to an in-memory API server instead (deploy/src/test).
#
#   deploy/smoke.sh [standalone|kubeflow]        (default standalone)
#
# Needs: kubectl >= 1.27, openssl, curl; the three images pullable by the cluster (deploy/ names
# ghcr.io/greenshank/<service>:0.1.0; set yours with `kustomize edit set image` in the overlay, or load them into
# kind with `kind load docker-image`). It creates a throw-away CA and bridge certificate, placeholder LDAP
# credentials, applies the overlay, waits for every Deployment, and checks: each service's readiness, the bridge's
# discovery document and JWKS over HTTPS with that CA, authz-service's 401 for a request without credentials and
# the KFAM API refusing a caller that is not the mesh's. Logins need a real directory (GREENSHANK_BRIDGE_LDAP_*).
set -euo pipefail

overlay=${1:-standalone}
here=$(cd "$(dirname "$0")" && pwd)
case "$overlay" in
  standalone) ns=greenshank-system; profiles_ns=greenshank-system ;;
  kubeflow) ns=auth; profiles_ns=kubeflow ;;
  *) echo "usage: $0 [standalone|kubeflow]" >&2; exit 2 ;;
esac
for tool in kubectl openssl curl; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool is required" >&2; exit 2; }
done
kubectl get crd authorizationpolicies.security.istio.io >/dev/null \
  || { echo "smoke: Istio is not installed in this cluster (no AuthorizationPolicy CRD)" >&2; exit 2; }
if [ "$overlay" = kubeflow ] && kubectl -n kubeflow get deployment profiles-deployment >/dev/null 2>&1; then
  echo "smoke: Kubeflow's profiles-deployment is still installed; remove it first (docs/deploy.md)" >&2; exit 2
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "== secrets (throw-away CA, bridge certificate, placeholder LDAP credentials)"
bridge_host="greenshank-oidc-bridge.$ns.svc.cluster.local"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=greenshank-smoke-ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$bridge_host" -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:greenshank-oidc-bridge.%s.svc,DNS:localhost\n' "$bridge_host" "$ns" > "$work/san.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/san.ext" -out "$work/tls.crt" 2>/dev/null
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$ns" create secret tls greenshank-oidc-bridge-tls --cert="$work/tls.crt" --key="$work/tls.key" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" create configmap greenshank-oidc-bridge-ca --from-file=ca.crt="$work/ca.crt" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" create secret generic greenshank-oidc-bridge-ldap --from-literal=bind-dn=cn=smoke \
  --from-literal=bind-password=smoke --from-file=ca.crt="$work/ca.crt" --dry-run=client -o yaml | kubectl apply -f -

echo "== apply deploy/overlays/$overlay"
kubectl apply -k "$here/overlays/$overlay"

echo "== wait for the Deployments"
kubectl -n "$ns" rollout status deployment/greenshank-authz-service --timeout=300s
kubectl -n "$ns" rollout status deployment/greenshank-oidc-bridge --timeout=300s
kubectl -n "$profiles_ns" rollout status deployment/greenshank-profile-controller --timeout=300s

forward() { # namespace service local:remote
  kubectl -n "$1" port-forward "service/$2" "$3" >"$work/pf-$2.log" 2>&1 &
  pids+=("$!")
}
forward "$ns" greenshank-authz-service 18080:8080
forward "$ns" greenshank-oidc-bridge 18443:443
forward "$profiles_ns" greenshank-profile-controller 18083:8083
sleep 3

fail=0
check() { # description expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

echo "== checks"
check "authz-service ready" 200 "$(code http://127.0.0.1:18080/q/health/ready)"
check "authz-service: no credentials is a 401" 401 "$(code http://127.0.0.1:18080/ext-authz/notebook/x/)"
check "oidc-bridge discovery over HTTPS" 200 \
  "$(code --cacert "$work/ca.crt" --resolve "$bridge_host:18443:127.0.0.1" "https://$bridge_host:18443/.well-known/openid-configuration")"
check "oidc-bridge JWKS" 200 \
  "$(code --cacert "$work/ca.crt" --resolve "$bridge_host:18443:127.0.0.1" "https://$bridge_host:18443/keys")"
check "profile-controller ready" 200 "$(code http://127.0.0.1:18083/q/health/ready)"
kfam=$(code -H 'kubeflow-userid: mallory@example.com' http://127.0.0.1:18083/kfam/v1/bindings)
case "$kfam" in 401|403) echo "ok   KFAM refuses a forged kubeflow-userid from outside the mesh ($kfam)" ;;
  *) echo "FAIL KFAM answered $kfam to a forged kubeflow-userid from outside the mesh"; fail=1 ;; esac
if [ "$fail" = 0 ]; then echo "smoke: passed"; else echo "smoke: FAILED"; exit 1; fi
