#!/usr/bin/env bash
# The installed systemd units (lib/systemd/system: lawwatch-nightly.service and .timer,
# lawwatch-failure@.service, lawwatch-serve.service) pass `systemd-analyze verify`, each file on its own: a unit
# installed into a temporary prefix, its ExecStart= moved from the configured prefix to that
# one (verify requires the program to exist) and MANPATH pointing at the installed man pages
# (verify runs `man` on each Documentation= page). Then what the units must say: the user
# lawwatch, the hardening (ProtectSystem=strict, ReadWritePaths=/var/lib/lawwatch,
# NoNewPrivileges, PrivateTmp, ProtectHome), OnFailure= the failure unit, the timer's
# schedule, and the nightly unit's exposure as `systemd-analyze security` rates it (t_nightly
# checks the exit statuses SuccessExitStatus= names).
# The README's old two-units-in-one block must draw verify's warning, so a pass means something.
# Skipped (77) without systemd-analyze.
set -u
bin=$1; src=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_systemd: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "t_systemd: systemd-analyze not found, skipped"; exit 77; }
command -v cmake >/dev/null || { echo "t_systemd: cmake not found, skipped"; exit 77; }
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install failed"; }
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
units=$tmp/units
mkdir -p "$units"
for u in lawwatch-nightly.service lawwatch-nightly.timer lawwatch-failure@.service lawwatch-serve.service; do
  f=$prefix/lib/systemd/system/$u
  [ -f "$f" ] || fail "lib/systemd/system/$u not installed"
  sed "s#^\(ExecStart=\)$configured/#\1$prefix/#" "$f" > "$units/$u"
done
export MANPATH=$prefix/share/man:
verify() { # FILE...: systemd-analyze verify, exit status and output
  (cd "$units" && systemd-analyze verify "$@" 2>&1)
}
# each file alone (the timer and OnFailure= find their units in the same folder)
for u in lawwatch-nightly.service lawwatch-nightly.timer lawwatch-failure@.service lawwatch-serve.service; do
  out=$(verify "$u"); rc=$?
  [ $rc = 0 ] && [ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify $u: exit $rc"; }
done
out=$(verify lawwatch-nightly.service lawwatch-nightly.timer lawwatch-failure@.service) ||
  { echo "$out"; fail "systemd-analyze verify of the three units together failed"; }
[ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify warns"; }

# a pass means something: two units in one file, as README's old block was, is warned
# about (verify still exits 0 on it: the silence required above is what catches it)
cat "$units/lawwatch-nightly.service" "$units/lawwatch-nightly.timer" > "$units/two.service"
out=$(verify two.service)
echo "$out" | grep -q "Unknown section 'Timer'" || fail "verify of two units in one file says: '$out'"
rm "$units/two.service"
# and a program that is not there
sed 's#^ExecStart=.*#ExecStart=/nonexistent/lawwatch-nightly#' "$units/lawwatch-nightly.service" > "$units/gone.service"
verify gone.service >/dev/null && fail "systemd-analyze verify accepts a missing ExecStart program"
rm "$units/gone.service"

# the nightly unit's exposure by systemd's own measure (systemd 250 and later, offline):
# at most 2.5 of 10 ("OK"; 1.7 when written)
if (cd "$units" && systemd-analyze security --offline=true lawwatch-nightly.service > "$tmp/security.txt" 2>&1); then
  (cd "$units" && systemd-analyze security --offline=true --threshold=25 lawwatch-nightly.service >/dev/null 2>&1) ||
    { tail -1 "$tmp/security.txt"; fail "lawwatch-nightly.service is exposed above 2.5"; }
else
  echo "t_systemd: systemd-analyze security --offline unavailable, its check skipped"
fi

# what the units say (one key a line; a value checked whole)
has() { # UNIT KEY=VALUE
  grep -qx -- "$2" "$units/$1" || fail "$1 lacks '$2'"
}
s=lawwatch-nightly.service
for kv in "User=lawwatch" "Group=lawwatch" "Type=oneshot" "ProtectSystem=strict" "ReadWritePaths=/var/lib/lawwatch" \
          "NoNewPrivileges=yes" "PrivateTmp=yes" "ProtectHome=yes" "PrivateDevices=yes" \
          "CapabilityBoundingSet=" "OnFailure=lawwatch-failure@%n.service" "SuccessExitStatus=1 2" \
          "StateDirectory=lawwatch" "ExecStart=$prefix/libexec/lawwatch/lawwatch-nightly"; do
  has $s "$kv"
done
grep -q '^MemoryDenyWriteExecute=yes' "$units/$s" && fail "$s denies W+X memory: PCRE2's JIT needs it"
s=lawwatch-serve.service
for kv in "User=lawwatch" "Group=lawwatch" "Type=simple" "ProtectSystem=strict" "NoNewPrivileges=yes" \
          "CapabilityBoundingSet=" "Restart=on-failure" "WantedBy=multi-user.target" \
          "ExecStart=$prefix/bin/lawwatch serve --listen 127.0.0.1:8080"; do
  has $s "$kv"
done
has lawwatch-nightly.timer "Persistent=true"
has lawwatch-nightly.timer "WantedBy=timers.target"
grep -q '^OnCalendar=' "$units/lawwatch-nightly.timer" || fail "the timer has no OnCalendar="
systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$units/lawwatch-nightly.timer")" >/dev/null ||
  fail "the timer's OnCalendar= is not a calendar event"
has lawwatch-failure@.service "User=lawwatch"
has lawwatch-failure@.service "ExecStart=$prefix/libexec/lawwatch/lawwatch-nightly --unit-failed %i"
echo "t_systemd: the three units verify clean"
exit 0
