#!/usr/bin/env bash
# Builds a JVM-mode container image per service, as a docker-archive tar, with no Docker daemon and no registry:
#   deploy/image/build.sh [authz-service|oidc-bridge|profile-controller ...]      (default: all three)
# after `./mvnw -B -DskipTests package`. Output: target/images/<service>.tar, tagged ghcr.io/greenshank/<service>:0.1.0
# (the name deploy/base uses); load it with `docker load -i`, `podman load -i`, `kind load image-archive` or
# `skopeo copy docker-archive:...`.
#
# Why not quarkus-container-image-jib: without a push it hands the image to a Docker daemon (`docker load`); it has no
# tar output, and this project's machines reach no registry and run no daemon (docs/deploy.md, Images).
#
# Layers, least to most often changed:
#   1. runtime: a jlink'd Java 17 runtime (/opt/java) from the build machine's JDK, the shared libraries it links
#      (ldd) plus glibc's NSS modules for name lookups, the CA bundle, /etc/passwd and /etc/group with the
#      unprivileged user greenshank (10001), and /tmp. No shell, no package manager.
#   2. lib/boot + lib/main (dependencies), 3. quarkus-run.jar + quarkus/ (generated), 4. app/ (the service's code)
# Everything is owned by root and not writable by 10001, so the root filesystem can be read-only; the JVM writes only
# to /tmp (an emptyDir in the pods). Heap: JAVA_TOOL_OPTIONS sizes it from the container's memory limit.
#
# Class-data sharing (docs/deploy.md, Images): the runtime carries the JDK's default CDS archive, dumped by the jlink'd
# java itself; each service in $appcds (default: all three) carries an AppCDS archive, /deployments/app-cds.jsa,
# from Quarkus' own training run (-Dquarkus.appcds.generate=true: start, then exit) in the assembled image root, so
# every path, size and time the JVM checks is the image's; the entrypoint names it. A JVM that finds the archive
# unusable says so and starts without it (-Xshare:auto), never fails. Needs unshare(1) for a private mount and PID
# namespace (root, or unprivileged user namespaces).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/target/images
tag=${GREENSHANK_IMAGE_TAG:-0.1.0}
registry=${GREENSHANK_IMAGE_REGISTRY:-ghcr.io/greenshank}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
java_tool_options="-XX:MaxRAMPercentage=60 -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# The services whose images get an AppCDS archive: where the footprint benchmark showed it pays (docs/benchmarks.md).
appcds=${GREENSHANK_IMAGE_APPCDS-authz-service oidc-bridge profile-controller}
# What the three services use of the JDK (jdeps over their quarkus-app, plus JGSS/Kerberos, DNS, JFR and
# jdk.crypto.ec, which are loaded by name and so invisible to jdeps).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,\
jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.security.auth,\
jdk.security.jgss,jdk.unsupported,jdk.zipfs,jdk.localedata

ports() {
  case $1 in
    authz-service) echo 8080 9191 ;;
    oidc-bridge) echo 8443 ;;
    profile-controller) echo 8083 ;;
    *) echo "unknown service $1 (authz-service, oidc-bridge, profile-controller)" >&2; return 1 ;;
  esac
}
module_dir() {
  case $1 in
    oidc-bridge) echo "$top/oidc-bridge/server" ;;
    *) echo "$top/$1" ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# A reproducible layer: sorted, fixed times, root-owned.
layer() { # layer <dir> <output tar>
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$1" -cf "$2" .
}

runtime_layer() {
  local root=$work/runtime
  mkdir -p "$root/opt" "$root/etc/ssl/certs/java" "$root/tmp"
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$root/opt/java"
  # Debian's JDK links its CA store into /etc; the image carries the file itself.
  rm -f "$root/opt/java/lib/security/cacerts"
  cp -L "$java_home/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
  # The default CDS archive, dumped after the times are set to the image's (the layer tar writes @0): the JVM checks
  # lib/modules' time and size against it. (jlink's --generate-cds-archive would dump before that.)
  find "$root/opt/java" -exec touch -h -d @0 {} +
  "$root/opt/java/bin/java" -Xshare:dump >/dev/null
  cp -L "$java_home/lib/security/cacerts" "$root/etc/ssl/certs/java/cacerts"
  local libs
  libs=$(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
    | awk '/=>/ {print $3} /^\s*\/lib/ {print $1}' | grep '^/' | grep -v "^$root/" | sort -u)
  for nss in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
    libs+=$'\n'$(ldconfig -p | awk -v n="$nss" '$1 == n && /x86-64/ {print $NF; exit}')
  done
  local lib
  for lib in $libs; do
    [ -n "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  # The dynamic loader at the path every binary names.
  mkdir -p "$root/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
  printf 'root:x:0:0:root:/root:/sbin/nologin\ngreenshank:x:10001:10001:greenshank:/tmp:/sbin/nologin\n' \
    > "$root/etc/passwd"
  printf 'root:x:0:\ngreenshank:x:10001:\n' > "$root/etc/group"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  chmod -R go-w "$root"
  chmod 1777 "$root/tmp"
  layer "$root" "$work/runtime.tar"
}

app_layers() { # app_layers <service>
  local app
  app=$(module_dir "$1")/target/quarkus-app
  if [ ! -f "$app/quarkus-run.jar" ]; then
    echo "$app/quarkus-run.jar is missing: run ./mvnw -B -DskipTests package first" >&2
    return 1
  fi
  local d=$work/$1
  rm -rf "$d"
  mkdir -p "$d/libs/deployments" "$d/run/deployments" "$d/app/deployments"
  cp -r "$app/lib" "$d/libs/deployments/lib"
  cp "$app/quarkus-run.jar" "$d/run/deployments/"
  cp -r "$app/quarkus" "$d/run/deployments/quarkus"
  cp -r "$app/app" "$d/app/deployments/app"
  if [[ " $appcds " == *" $1 "* ]]; then app_cds "$1" "$d"; fi
  chmod -R u=rwX,go=rX "$d"
  layer "$d/libs" "$work/$1-libs.tar"
  layer "$d/run" "$work/$1-run.tar"
  layer "$d/app" "$work/$1-app.tar"
}

# Quarkus' AppCDS training run, inside the image's own root (runtime + the service's files, all at time @0, as the
# layers write them): /deployments/app-cds.jsa, added to the app layer.
app_cds() { # app_cds <service> <staging dir>
  local r=$work/$1-rootfs
  rm -rf "$r"
  cp -a "$work/runtime" "$r"
  mkdir -p "$r/deployments" "$r/proc"
  cp -a "$2/libs/deployments/." "$2/run/deployments/." "$2/app/deployments/." "$r/deployments/"
  find "$r/deployments" -exec touch -h -d @0 {} +
  # The image's environment (its JAVA_TOOL_OPTIONS included), PATH for the host tools until chroot.
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 JAVA_HOME=/opt/java JAVA_TOOL_OPTIONS="$java_tool_options" MALLOC_ARENA_MAX=2 \
    timeout 300 unshare --user --map-root-user --mount --pid --fork sh -c \
    'mount -t proc proc "$1/proc" && exec chroot "$@"' sh "$r" /opt/java/bin/java \
    -XX:ArchiveClassesAtExit=/deployments/app-cds.jsa -Dquarkus.appcds.generate=true \
    -jar /deployments/quarkus-run.jar >"$work/$1-appcds.log" 2>&1 || true
  if [ ! -s "$r/deployments/app-cds.jsa" ]; then
    echo "AppCDS training run of $1 wrote no archive:" >&2
    tail -20 "$work/$1-appcds.log" >&2
    return 1
  fi
  cp "$r/deployments/app-cds.jsa" "$2/app/deployments/app-cds.jsa"
  rm -rf "$r"
}

entrypoint() { # entrypoint <service>: the JSON array
  if [[ " $appcds " == *" $1 "* ]]; then
    echo '["/opt/java/bin/java", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-jar", "/deployments/quarkus-run.jar"]'
  else
    echo '["/opt/java/bin/java", "-jar", "/deployments/quarkus-run.jar"]'
  fi
}

image() { # image <service>
  local service=$1 ref="$registry/$1:$tag" dir=$work/$1-image
  app_layers "$service"
  rm -rf "$dir"
  mkdir -p "$dir"
  local diff_ids=() layer_files=() t sha
  for t in "$work/runtime.tar" "$work/$service-libs.tar" "$work/$service-run.tar" "$work/$service-app.tar"; do
    sha=$(sha256sum "$t" | cut -d' ' -f1)
    mkdir -p "$dir/$sha"
    cp "$t" "$dir/$sha/layer.tar"
    diff_ids+=("sha256:$sha")
    layer_files+=("$sha/layer.tar")
  done
  local exposed='{}' p
  for p in $(ports "$service"); do exposed=$(jq -c --arg p "$p/tcp" '. + {($p): {}}' <<<"$exposed"); done
  jq -n --argjson exposed "$exposed" --argjson entrypoint "$(entrypoint "$service")" --arg jto "$java_tool_options" --arg svc "$service" --arg tag "$tag" \
    --args '{
      architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
      config: {
        User: "10001:10001",
        WorkingDir: "/deployments",
        Entrypoint: $entrypoint,
        Env: ["PATH=/opt/java/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8", ("JAVA_TOOL_OPTIONS=" + $jto), "MALLOC_ARENA_MAX=2"],
        ExposedPorts: $exposed,
        Labels: {"org.opencontainers.image.title": ("greenshank-" + $svc),
                 "org.opencontainers.image.version": $tag}
      },
      rootfs: {type: "layers", diff_ids: $ARGS.positional}
    }' "${diff_ids[@]}" > "$dir/config.json"
  local config_sha
  config_sha=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$config_sha.json"
  jq -n --arg config "$config_sha.json" --arg ref "$ref" --args \
    '[{Config: $config, RepoTags: [$ref], Layers: $ARGS.positional}]' "${layer_files[@]}" > "$dir/manifest.json"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$out/$service.tar" .
  echo "$out/$service.tar  $ref  $(du -h "$out/$service.tar" | cut -f1)"
}

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(authz-service oidc-bridge profile-controller)
for s in "${services[@]}"; do ports "$s" >/dev/null; done
runtime_layer
for s in "${services[@]}"; do image "$s"; done
