#!/bin/sh
# tools/fresh-root.sh — check the README's promise on a fresh Debian 12: `make check` and
# `make demo` each work as the first command after a clone.
#
#   sh tools/fresh-root.sh [--base DIR] [--rebuild] [--keep] [COMMAND...]
#
# COMMAND defaults to the two of the README, each checked on its own fresh root:
#   "make check"   as root: installs the packages, builds, runs every test
#   "make demo"    as root: installs the packages, builds, runs the demo, writes the report
# and one more: `make check` as a user who is not root must stop before compiling anything
# with the exact apt-get line (exit non-zero, no object file built).
#
# How: a base root is made once with `debootstrap --variant=minbase bookworm` plus
# build-essential, git and ca-certificates (a machine "with gcc, make and git"; none of
# rigor's libraries) and kept in --base DIR (default /var/tmp/rigor-fresh-root) for the next
# run; --rebuild makes it anew. Each command then gets a root of its own: an overlay whose
# lower layer is the untouched base, with proc, sys, dev and a tmpfs on /tmp mounted, and the
# repository's committed HEAD cloned into /root/rigor. Everything is unmounted and the
# overlay removed at the end (--keep leaves the last root for a look).
#
# Needs root (debootstrap, mount, chroot) and Debian's mirror; tools/deps.sh --fresh-root
# installs debootstrap. The chroot shares the machine's network (apt inside it, and the
# tests' loopback servers, which pick free ports). Takes ~10-20 minutes; prints one line
# per command with its status and time, and ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
base=${RIGOR_FRESH_BASE:-/var/tmp/rigor-fresh-root}
rebuild=0
keep=0
mirror=${RIGOR_FRESH_MIRROR:-http://deb.debian.org/debian}
while [ $# -gt 0 ]; do
    case $1 in
    --base) base=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
    --*) echo "fresh-root: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh-root: needs root (debootstrap, mount, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null 2>&1 || sh "$top/tools/deps.sh" --fresh-root || exit 1
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
    echo "fresh-root: note: uncommitted changes are not checked (the root clones HEAD)"
fi

log_dir=$(mktemp -d /var/tmp/rigor-fresh-log.XXXXXX)
work=""
passed=0
failed=0

now() { date +%s; }

# Unmount whatever is mounted under $1, deepest first; 0 when nothing is left.
unmount_all() {
    for m in $(awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts |
               sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
    ! awk -v r="$1" '$2 == r || index($2, r "/") == 1 { f = 1 } END { exit !f }' /proc/mounts
}

cleanup() {
    [ -n "$work" ] || return 0
    if unmount_all "$work/root"; then
        [ "$keep" = 1 ] || rm -rf --one-file-system "$work"
    else
        echo "fresh-root: could not unmount everything under $work/root; left in place" >&2
    fi
    work=""
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

make_base() {
    if [ "$rebuild" = 0 ] && [ -f "$base/.rigor-base-ok" ]; then
        echo "fresh-root: base root $base (made $(cat "$base/.rigor-base-ok"); --rebuild to remake)"
        return 0
    fi
    t=$(now)
    rm -rf --one-file-system "$base"
    mkdir -p "$base"
    echo "fresh-root: debootstrap bookworm into $base"
    if ! debootstrap --variant=minbase bookworm "$base" "$mirror" >"$log_dir/debootstrap.log" 2>&1; then
        tail -20 "$log_dir/debootstrap.log"
        echo "fresh-root: debootstrap failed (log: $log_dir/debootstrap.log)" >&2
        return 1
    fi
    cp /etc/resolv.conf "$base/etc/resolv.conf"
    mount -t proc proc "$base/proc"
    chroot "$base" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends build-essential git ca-certificates' \
        >"$log_dir/base.log" 2>&1
    rc=$?
    umount "$base/proc"
    if [ $rc -ne 0 ]; then
        tail -20 "$log_dir/base.log"
        echo "fresh-root: installing build-essential git ca-certificates failed" >&2
        return 1
    fi
    # The lists apt fetched stay: like a machine whose apt-get update has run once.
    date -u +%Y-%m-%dT%H:%M:%SZ >"$base/.rigor-base-ok"
    echo "fresh-root: base root ready in $(( $(now) - t )) s"
}

# A new root over the base: overlay (or a copy where overlay is not available), mounts, clone.
new_root() {
    work=$(mktemp -d /var/tmp/rigor-fresh.XXXXXX)
    mkdir -p "$work/upper" "$work/work" "$work/root"
    if ! mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" \
        "$work/root" 2>/dev/null; then
        cp -a "$base/." "$work/root/"
    fi
    mount -t proc proc "$work/root/proc"
    mount -t sysfs sysfs "$work/root/sys"
    mount --bind /dev "$work/root/dev"
    mount --bind /dev/pts "$work/root/dev/pts"
    mount -t tmpfs -o mode=1777 tmpfs "$work/root/tmp"
    cp /etc/resolv.conf "$work/root/etc/resolv.conf"
    # debootstrap writes no /etc/hosts; every installed Debian (the installer, cloud images,
    # containers) has one naming localhost, which the HTTPS tests connect to by name.
    [ -e "$work/root/etc/hosts" ] ||
        printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
            > "$work/root/etc/hosts"
    git clone -q "$top" "$work/root/root/rigor"
}

# in_root USER COMMAND: run a shell command in the clone, with a clean environment.
in_root() {
    chroot --userspec="$1" "$work/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb sh -c "cd /root/rigor && $2"
}

record() {  # name, ok(0/1), seconds, detail
    if [ "$2" = 0 ]; then
        passed=$((passed + 1)); echo "ok - $1 ($3 s)"
    else
        failed=$((failed + 1)); echo "not ok - $1 ($3 s): $4"
    fi
}

# As root: the command must succeed in the fresh root.
check_root() {
    name=$(echo "$1" | tr ' ' _)
    new_root || { record "$1" 1 0 "cannot make the root"; cleanup; return; }
    echo "fresh-root: $1 (as root, log: $log_dir/$name.log)"
    t=$(now)
    in_root 0:0 "$1" >"$log_dir/$name.log" 2>&1
    rc=$?
    secs=$(( $(now) - t ))
    tail -5 "$log_dir/$name.log" | sed 's/^/  | /'
    record "$1 as root" "$([ $rc -eq 0 ] && echo 0 || echo 1)" "$secs" "exit status $rc"
    cleanup
}

# As another user: `make check` must stop before compiling, with the apt-get line.
check_user() {
    new_root || { record "make check as a user" 1 0 "cannot make the root"; cleanup; return; }
    chown -R 65534:65534 "$work/root/root"
    t=$(now)
    in_root 65534:65534 "make check" >"$log_dir/user.log" 2>&1
    rc=$?
    secs=$(( $(now) - t ))
    sed 's/^/  | /' "$log_dir/user.log" | head -8
    objs=$(find "$work/root/root/rigor" -name '*.o' | wc -l)
    if [ $rc -ne 0 ] && grep -q 'apt-get install -y' "$log_dir/user.log" && [ "$objs" -eq 0 ]; then
        record "make check as a user stops before compiling with the apt-get line" 0 "$secs" ""
    else
        record "make check as a user stops before compiling with the apt-get line" 1 "$secs" \
            "exit $rc, $objs object files"
    fi
    cleanup
}

t_all=$(now)
if ! make_base; then
    echo "0 passed, 1 failed"
    exit 1
fi
if [ $# -gt 0 ]; then
    for c in "$@"; do check_root "$c"; done
else
    check_user
    check_root "make check"
    check_root "make demo"
fi
echo "fresh-root: logs in $log_dir; total $(( $(now) - t_all )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
