#!/usr/bin/env bash
# Makes the local platform's base image from real Debian packages, since nothing can be pulled from Docker Hub on
# the machines this runs on: mmdebstrap builds a minimal root file system with Node.js, and buildah turns it into a
# one-layer OCI image (gzip-compressed, so the platform's start pushes it to its registry in well under a second).
#
#   $GANTRY_CACHE/base-image-<suite>-<revision>/oci/   OCI layout, tag node-<major>-<suite>
#   $GANTRY_CACHE/base-image-<suite>-<revision>/ref     that tag, one line (the platform reads it)
#
# The directory appears only after a complete build (built in a scratch dir, then renamed), so a present one is
# never half-built. Needs root (mmdebstrap and buildah unpack files owned by other users) and the packages
# mmdebstrap and buildah (setup installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
cache=${GANTRY_CACHE:-$HOME/.cache/gantry}
dest=$cache/base-image-$BASE_IMAGE_SUITE-$BASE_IMAGE_REVISION
log() { printf '[build-base-image] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ -f "$dest/ref" ]; then
  log "base image cached in $dest ($(cat "$dest/ref"))"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || die "building the base image needs root (mmdebstrap and buildah unpack files owned by other users): run setup as root"
for tool in mmdebstrap buildah; do
  command -v "$tool" >/dev/null || die "$tool is not installed: apt-get install $tool"
done

start=$SECONDS
mkdir -p "$cache"
work=$(mktemp -d "$cache/build-base-image.XXXXXX")
# buildah keeps its own storage in the scratch dir, so nothing of this build is left anywhere else.
buildah=(buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs)
cleanup() { "${buildah[@]}" rm --all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

log "mmdebstrap --variant=minbase --include=nodejs $BASE_IMAGE_SUITE (about a minute)"
mmdebstrap --quiet --variant=minbase --include=nodejs "$BASE_IMAGE_SUITE" "$work/rootfs.tar" \
  || die "mmdebstrap failed (is deb.debian.org reachable?)"
# The image is named after the Node.js major version the suite ships (bookworm: 18), read from the package.
node_version=$(tar -xOf "$work/rootfs.tar" ./var/lib/dpkg/status | awk '/^Package: nodejs$/{p=1} p&&/^Version:/{print $2; exit}')
[ -n "$node_version" ] || die "the root file system has no nodejs package"
ref=node-${node_version%%.*}-$BASE_IMAGE_SUITE

container=$("${buildah[@]}" from scratch)
"${buildah[@]}" add --quiet "$container" "$work/rootfs.tar" / >/dev/null
"${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd node --label "dev.gantry.base=debian $BASE_IMAGE_SUITE minbase + nodejs $node_version" "$container"
mkdir -p "$work/out"
"${buildah[@]}" commit --quiet --format oci --disable-compression=false "$container" "oci:$work/out/oci:$ref" >/dev/null \
  || die "buildah commit of the base image failed"
echo "$ref" >"$work/out/ref"
rm -rf "$dest"
mv "$work/out" "$dest"
log "built $ref (nodejs $node_version) into $dest in $(( SECONDS - start )) s"
