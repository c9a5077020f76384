#!/bin/sh
# tests/e2e/cli.sh — the command table: help, version, unknown commands, exit codes.
. "$(dirname "$0")/lib.sh"

for c in analyze capture convert export import load report run serve stats; do
    t_run "rigor help $c exits 0" 0 "$RIGOR" help "$c"
    t_has "rigor help $c prints usage" "$T_OUT" "usage: rigor $c"
    cp "$T_OUT" "$T_DIR/help.$c"
    t_run "rigor $c --help exits 0" 0 "$RIGOR" "$c" --help
    if cmp -s "$T_OUT" "$T_DIR/help.$c"; then t_ok "rigor $c --help = rigor help $c"; else
        t_fail "rigor $c --help = rigor help $c"; fi
done

t_run "rigor help lists commands" 0 "$RIGOR" help
for c in analyze capture convert export import load report run serve stats; do
    t_has "overview names $c" "$T_OUT" "  $c "
done
t_run "no command is a usage error" 2 "$RIGOR"
t_run "unknown command" 2 "$RIGOR" frobnicate
t_has "unknown command message" "$T_ERR" "no such command 'frobnicate'"
t_run "help for unknown command" 2 "$RIGOR" help frobnicate
t_run "--version" 0 "$RIGOR" --version
if grep -Eq '^rigor [^ ]+$' "$T_OUT"; then t_ok "--version prints 'rigor VERSION'"; else
    t_fail "--version prints 'rigor VERSION'" "$(cat "$T_OUT")"; fi
t_done
