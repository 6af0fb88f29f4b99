#!/usr/bin/env bash
# Builds native executables of the three services. Needs GraalVM or Mandrel (JDK 17+) with native-image on PATH,
# or a container runtime for Quarkus' builder image (pass --container). CI cannot install either and builds JVM mode.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
extra=()
if [ "${1:-}" = "--container" ]; then
  extra+=(-Dquarkus.native.container-build=true)
elif ! command -v native-image >/dev/null 2>&1; then
  echo "native-image not found: install GraalVM/Mandrel or run '$0 --container'" >&2
  exit 2
fi
./mvnw -B -Pnative -Dgreenshank.native -DskipTests "${extra[@]}" package \
  -pl authz-service,oidc-bridge/server,profile-controller -am
for exe in authz-service/target/*-runner oidc-bridge/server/target/*-runner profile-controller/target/*-runner; do
  [ -x "$exe" ] && echo "built $exe"
done
