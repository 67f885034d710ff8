#!/usr/bin/env bash
# Builds a JRE 17 base image from Debian packages, without a Docker engine or a registry:
# mmdebstrap (root file system) -> umoci (OCI layout + config) -> skopeo (docker-archive tar that Jib reads).
#
# Usage: container/base-image.sh [OUTPUT_TAR] [IMAGE_NAME:TAG]
# Environment: SUITE (bookworm), APT_SOURCES (the machine's own sources; a .sources or .list file),
#              IMAGE_UID (185, Spark's user id), WORK_DIR (scratch space).
set -euo pipefail

out="${1:-images/base-jre17.tar}"
name="${2:-sf-crime-streaming/base-jre17:bookworm}"
suite="${SUITE:-bookworm}"
uid="${IMAGE_UID:-185}"

for tool in mmdebstrap umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "base-image: '$tool' is missing; install it with: apt-get install mmdebstrap umoci skopeo" >&2; exit 2; }
done

# Use the machine's own apt sources so no mirror address is written into the project: whatever mirror,
# proxy or snapshot this machine is configured for is what the image is built from.
if [[ -z "${APT_SOURCES:-}" ]]; then
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -s "$f" ]]; then APT_SOURCES="$f"; break; fi
  done
fi
[[ -n "${APT_SOURCES:-}" ]] || { echo "base-image: no apt sources found; set APT_SOURCES=/path/to/file.sources" >&2; exit 2; }

work="${WORK_DIR:-$(mktemp -d)}"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

echo "base-image: debootstrapping $suite from $APT_SOURCES"
# The man1 directory must exist before the JRE's postinst runs (it registers alternatives with man pages).
# The customize hook adds the non-root user numerically so runAsNonRoot/runAsUser work without useradd.
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates-java \
  --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="echo 'spark:x:${uid}:${uid}:spark:/opt/spark:/bin/bash' >> \"\$1/etc/passwd\"" \
  --customize-hook="echo 'spark:x:${uid}:' >> \"\$1/etc/group\"" \
  --customize-hook="mkdir -p \"\$1/opt/spark\" && chown ${uid}:${uid} \"\$1/opt/spark\"" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$suite" "$work/rootfs.tar" "$APT_SOURCES"

echo "base-image: assembling OCI image"
tag="${name##*:}"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:$tag"
umoci raw add-layer --image "$work/oci:$tag" "$work/rootfs.tar"
java_home=/usr/lib/jvm/java-17-openjdk-amd64
[[ "$(dpkg --print-architecture 2>/dev/null || echo amd64)" == arm64 ]] && java_home=/usr/lib/jvm/java-17-openjdk-arm64
umoci config --image "$work/oci:$tag" \
  --config.user="$uid" \
  --config.workingdir=/opt/spark \
  --config.env="JAVA_HOME=$java_home" \
  --config.env="PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --config.env="LANG=C.UTF-8" \
  --config.cmd=/bin/bash \
  --config.label="org.opencontainers.image.title=sf-crime-streaming base JRE 17" \
  --config.label="org.opencontainers.image.description=Debian $suite minbase with openjdk-17-jre-headless"

rm -f "$out"
skopeo copy "oci:$work/oci:$tag" "docker-archive:$out:$name"
echo "base-image: wrote $out ($name, $(du -h "$out" | cut -f1))"
