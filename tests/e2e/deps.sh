#!/bin/sh
# tests/e2e/deps.sh — tools/deps.sh and the Makefile's package check, with a fake dpkg-query
# and a fake `id` first on PATH (nothing is installed, whoever runs the tests): a user who is
# not root gets the exact apt-get line and exit 1; --bench does not ask for Debian's nodejs or
# npm when a node and an npm are on PATH (NodeSource's nodejs conflicts with Debian's npm);
# a build stops before compiling anything when a library is missing; NO_DEPS=1 skips the check.
# The real tools/fresh-root.sh does the same on a fresh Debian root (it needs the network).
. tests/e2e/lib.sh
top=$(pwd)
F=$T_DIR/bin
mkdir -p "$F"
# dpkg-query -W -f=... PKG...: every package installed except those named in $MISSING
cat > "$F/dpkg-query" <<'EOF'
#!/bin/sh
for a in "$@"; do
    case $a in -*) continue ;; esac
    case " $MISSING " in *" $a "*) ;; *) echo "$a ii " ;; esac
done
EOF
printf '#!/bin/sh\necho 1000\n' > "$F/id"
printf '#!/bin/sh\necho v20.0.0\n' > "$F/node"
printf '#!/bin/sh\necho 10.0.0\n' > "$F/npm"
chmod +x "$F"/*
P="$F:$PATH"

t_run "all present: exit 0" 0 env PATH="$P" MISSING="" sh tools/deps.sh
t_run "a library missing, not root: exit 1" 1 env PATH="$P" MISSING="libjansson-dev gnuplot-nox" sh tools/deps.sh
t_has "... the exact apt-get line" "$T_ERR" "apt-get update && apt-get install -y --no-install-recommends gnuplot-nox libjansson-dev"
t_run "--build does not ask for gnuplot" 1 env PATH="$P" MISSING="libjansson-dev gnuplot-nox" sh tools/deps.sh --build
t_lacks "--build: no gnuplot" "$T_ERR" "gnuplot"
t_run "--bench with node and npm on PATH" 1 env PATH="$P" MISSING="wrk nodejs npm" sh tools/deps.sh --bench
t_has "--bench: asks for wrk" "$T_ERR" "--no-install-recommends wrk"
t_lacks "--bench: not for Debian's npm" "$T_ERR" "npm"
t_lacks "--bench: not for Debian's nodejs" "$T_ERR" "nodejs"
rm "$F/node" "$F/npm"
if ! command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then
    t_run "--bench without node or npm" 1 env PATH="$P" MISSING="nodejs npm" sh tools/deps.sh --bench
    t_has "--bench: then asks for them" "$T_ERR" "nodejs npm"
fi
t_run "RIGOR_NO_DEPS=1: nothing checked" 0 env PATH="$P" MISSING="libjansson-dev" RIGOR_NO_DEPS=1 sh tools/deps.sh

# The Makefile: a missing library stops the build before the first compile.
t_run "make with a library missing: stops" 2 env PATH="$P" MISSING="libjansson-dev" \
    make --no-print-directory -C "$top" BUILD="$T_DIR/b" "$T_DIR/b/rigor"
t_has "make: the apt-get line" "$T_ERR" "apt-get install -y --no-install-recommends libjansson-dev"
if [ -z "$(find "$T_DIR/b" -name '*.o' 2>/dev/null)" ]; then t_ok "make: nothing compiled"
else t_fail "make: nothing compiled" "$(find "$T_DIR/b" -name '*.o' | head -3)"; fi
t_run "make NO_DEPS=1: no check" 0 env PATH="$P" MISSING="libjansson-dev" \
    make --no-print-directory -C "$top" -n NO_DEPS=1 BUILD="$T_DIR/b" "$T_DIR/b/rigor"
t_lacks "make NO_DEPS=1: deps.sh not run" "$T_OUT" "tools/deps.sh"
t_done
