#!/bin/sh
# Install and configure Podman as the container runtime for the agent's
# end-to-end tests (Debian): runc instead of crun and modest rlimits, which is
# what works in this sandbox; an accept-anything image policy (no registry is
# reachable, images are imported locally). Idempotent; run as root.
set -e
if ! command -v podman >/dev/null 2>&1; then
  apt-get update -qq
  # Install before writing /etc/containers/*, or dpkg stops at a config prompt.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold podman netavark runc iptables busybox-static >/dev/null
fi
# netavark's bridge networking shells out to iptables; podman needs runc here (crun fails in this sandbox).
for p in runc iptables busybox; do command -v $p >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $( [ $p = busybox ] && echo busybox-static || echo $p ) >/dev/null; done
mkdir -p /etc/containers
if ! grep -q '^network_backend *= *"netavark"' /etc/containers/containers.conf 2>/dev/null; then
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
CONF
fi
cat > /etc/containers/policy.json <<'CONF'
{ "default": [ { "type": "insecureAcceptAnything" } ] }
CONF
podman info --format '{{.Host.OCIRuntime.Name}} {{.Version.Version}}'
