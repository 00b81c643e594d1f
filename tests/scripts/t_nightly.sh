#!/usr/bin/env bash
# The nightly script (libexec/lawwatch/lawwatch-nightly, installed into a temporary prefix)
# with a fake sendmail ($LAWWATCH_SENDMAIL, which keeps each mail as a file) and a
# configuration of its own ($LAWWATCH_CONFIG: db, folder, mail_to, admin_to). The report's
# date is fixed by a wrapper around the command ($LAWWATCH_BIN adds --as-of to report), so
# the result does not depend on today's date. Case by case, the mails sent (to whom, the
# subject, a body that is never empty) and the script's exit status:
#   overdue                   -> one mail to mail_to, the report as body; exit 0
#   nothing overdue           -> no mail; exit 0 (and --html FILE writes the page)
#   --html FILE unwritable    -> one mail to admin_to naming it; exit 2
#   a second night, unchanged -> the same one mail (the ingest found nothing new)
#   report fails (no database)-> one mail to admin_to, none to mail_to; exit 2
#   a document fails          -> one mail to admin_to naming it; exit 1
#   overdue, no mail_to       -> one mail to admin_to saying nobody got it; exit 2
#   report exits 1, no output -> no mail to mail_to (no empty body), admin_to told; exit 2
#   sendmail fails            -> exit 3 (the unit fails, OnFailure= tries)
#   a broken configuration    -> one mail to root (admin_to unknown); exit 2
#   --unit-failed UNIT        -> one mail to admin_to with systemctl's and journalctl's words
#   installed, no LAWWATCH_BIN-> the script finds the installed command beside it
set -u
bin=$1; src=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_nightly: $*" >&2; exit 1; }
command -v cmake >/dev/null || { echo "t_nightly: cmake not found, skipped"; exit 77; }
command -v base64 >/dev/null || { echo "t_nightly: base64 not found, skipped"; exit 77; }
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install failed"; }
nightly=$prefix/libexec/lawwatch/lawwatch-nightly
[ -x "$nightly" ] || fail "lawwatch-nightly not installed"

# the fake sendmail: each mail to $MAILDIR/N, its arguments to $MAILDIR/N.args; exits
# $FAKE_SENDMAIL_STATUS (0)
mkdir -p "$tmp/fakebin"
cat > "$tmp/fakebin/sendmail" <<'EOF'
#!/bin/sh
n=$(ls "$MAILDIR" | grep -c '^[0-9]*$')
n=$((n + 1))
cat > "$MAILDIR/$n"
echo "$*" > "$MAILDIR/$n.args"
exit "${FAKE_SENDMAIL_STATUS:-0}"
EOF
# the command with the report's date fixed
cat > "$tmp/fakebin/lawwatch" <<EOF
#!/bin/sh
case " \$* " in
  *" report "*) exec "$prefix/bin/lawwatch" "\$@" --as-of "\$AS_OF" ;;
  *) exec "$prefix/bin/lawwatch" "\$@" ;;
esac
EOF
# systemctl and journalctl for --unit-failed
printf '#!/bin/sh\necho "× $4 - failed (systemctl status)"\n' > "$tmp/fakebin/systemctl"
printf '#!/bin/sh\necho "Dec 07 lawwatch-nightly[1]: ingest exploded (journal)"\n' > "$tmp/fakebin/journalctl"
chmod +x "$tmp/fakebin"/*
export LAWWATCH_SENDMAIL=$tmp/fakebin/sendmail LAWWATCH_BIN=$tmp/fakebin/lawwatch
export PATH=$tmp/fakebin:$PATH
unset LAWWATCH_RULES

mkdir -p "$tmp/docs" "$tmp/lib"
cp "$src"/corpus/*.txt "$src"/corpus/extra/*.txt "$tmp/docs/"
conf=$tmp/lawwatch.conf
write_conf() { # DB MAIL_TO
  { echo "db = $1"; echo "folder = $tmp/docs"; echo "mail_to = $2"; echo "admin_to = it@stp.example"; } > "$conf"
}
export LAWWATCH_CONFIG=$conf

run() { # NAME WANT_STATUS [ARGS...]: the script, its mails in $tmp/NAME
  local name=$1 want=$2; shift 2
  export MAILDIR=$tmp/$name
  mkdir -p "$MAILDIR"
  "$nightly" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
  local rc=$?
  [ $rc = "$want" ] || { cat "$tmp/$name.err"; fail "$name: exit $rc, want $want"; }
  [ -s "$tmp/$name.out" ] && { cat "$tmp/$name.out"; fail "$name: printed on stdout"; }
  for m in "$MAILDIR"/[0-9]*; do
    [ -e "$m" ] || continue
    case $m in *.args) continue ;; esac
    [ "$(cat "$m.args")" = "-t -oi" ] || fail "$name: sendmail called with '$(cat "$m.args")'"
    # a body that is not empty: something after the headers' blank line
    sed '1,/^$/d' "$m" | grep -q '[^[:space:]]' || fail "$name: a mail with an empty body"
    grep -q '^Content-Type: text/plain; charset=UTF-8$' "$m" || fail "$name: a mail without its charset"
  done
}
mails() { ls "$tmp/$1" | grep -c '^[0-9]*$'; }
to() { sed -n 's/^To: //p' "$tmp/$1/$2"; }
subject() { # the Subject: header unfolded, each RFC 2047 word decoded; a word over 75 fails
  local w
  for w in $(sed -n '/^Subject:/,/^[^ ]/p' "$tmp/$1/$2" | sed '$d; s/^Subject://' | grep -o '=?UTF-8?B?[^?]*?='); do
    [ ${#w} -le 75 ] || { echo "an encoded word of ${#w} characters"; return; }
    printf '%s' "$w" | sed 's/^=?UTF-8?B?//; s/?=$//' | base64 -d
  done
}
body() { sed '1,/^$/d' "$tmp/$1/$2"; }

# overdue: the report to mail_to, once
write_conf "$tmp/lib/lw.db" "van-thu@stp.example, lanh-dao@stp.example"
AS_OF=2025-12-01 run overdue 0
[ "$(mails overdue)" = 1 ] || fail "overdue: $(mails overdue) mails, want 1"
[ "$(to overdue 1)" = "van-thu@stp.example, lanh-dao@stp.example" ] || fail "overdue: mailed to '$(to overdue 1)'"
[ "$(subject overdue 1)" = "[lawwatch] Báo cáo thời hạn: có việc quá hạn (deadline report: overdue work)" ] ||
  fail "overdue: subject '$(subject overdue 1)'"
"$prefix/bin/lawwatch" --color=never report --as-of 2025-12-01 > "$tmp/want_report.txt"
[ $? = 1 ] || fail "the report as of 2025-12-01 is not overdue: the test proves nothing"
body overdue 1 | cmp -s - "$tmp/want_report.txt" || { body overdue 1 | diff - "$tmp/want_report.txt" | head; fail "overdue: the body is not the report"; }
grep -q '^Quá hạn: [1-9]' "$tmp/want_report.txt" || fail "the report shows no overdue count"

# a second night: nothing new to ingest, the same mail
AS_OF=2025-12-01 run again 0
[ "$(mails again)" = 1 ] && [ "$(to again 1)" = "van-thu@stp.example, lanh-dao@stp.example" ] || fail "again: not the one mail to mail_to"

# nothing overdue: no mail; --html writes the page all the same
mkdir -p "$tmp/www"
AS_OF=2020-01-01 run quiet 0 --html "$tmp/www/thoihan.html"
[ "$(mails quiet)" = 0 ] || fail "nothing overdue, yet $(mails quiet) mails"
grep -q '</html>' "$tmp/www/thoihan.html" || fail "quiet: --html wrote no page"
# a page that cannot be written: the admin hears of it
AS_OF=2020-01-01 run nohtml 2 --html "$tmp/no-such-folder/thoihan.html"
[ "$(mails nohtml)" = 1 ] && [ "$(to nohtml 1)" = "it@stp.example" ] || fail "nohtml: not one mail to admin_to"
body nohtml 1 | grep -qF "$tmp/no-such-folder" || fail "nohtml: the body does not name the page's folder"

# the report fails (no database, its folder missing): the admin, not the recipients
write_conf "$tmp/nowhere/lw.db" "van-thu@stp.example"
AS_OF=2025-12-01 run nodb 2
[ "$(mails nodb)" = 1 ] || fail "nodb: $(mails nodb) mails, want 1"
[ "$(to nodb 1)" = "it@stp.example" ] || fail "nodb: mailed to '$(to nodb 1)', not admin_to"
subject nodb 1 | grep -q 'lỗi' || fail "nodb: subject '$(subject nodb 1)'"
body nodb 1 | grep -q "lawwatch report: .*exit 2" || fail "nodb: the body does not say that report could not run"
body nodb 1 | grep -qF "$tmp/nowhere/lw.db" || fail "nodb: the body does not name the database"

# a document fails (over 16 MB): the admin, naming it
write_conf "$tmp/lib/lw.db" "van-thu@stp.example"
head -c 17000000 /dev/zero | tr '\0' 'a' > "$tmp/docs/qua-lon.txt"
AS_OF=2020-01-01 run failed 1
rm "$tmp/docs/qua-lon.txt"
[ "$(mails failed)" = 1 ] && [ "$(to failed 1)" = "it@stp.example" ] || fail "failed: not one mail to admin_to"
body failed 1 | grep -qF "qua-lon.txt" || fail "failed: the body does not name the failed file"
body failed 1 | grep -q "lawwatch ingest: .*exit 1" || fail "failed: the body does not say that ingest failed"

# overdue and nobody to tell: the admin hears of it
write_conf "$tmp/lib/lw.db" ""
AS_OF=2025-12-01 run nobody 2
[ "$(mails nobody)" = 1 ] && [ "$(to nobody 1)" = "it@stp.example" ] || fail "nobody: not one mail to admin_to"
body nobody 1 | grep -q "mail_to" || fail "nobody: the body does not name mail_to"

# report exits 1 and prints nothing: no empty mail to mail_to, the admin told
write_conf "$tmp/lib/lw.db" "van-thu@stp.example"
cat > "$tmp/fakebin/lawwatch-silent" <<EOF
#!/bin/sh
case " \$* " in *" report "*) exit 1 ;; esac
exec "$prefix/bin/lawwatch" "\$@"
EOF
chmod +x "$tmp/fakebin/lawwatch-silent"
LAWWATCH_BIN=$tmp/fakebin/lawwatch-silent run silent 2
[ "$(mails silent)" = 1 ] && [ "$(to silent 1)" = "it@stp.example" ] || fail "silent: not one mail to admin_to"

# sendmail fails: exit 3
AS_OF=2025-12-01 FAKE_SENDMAIL_STATUS=75 run nosend 3
grep -q "van-thu@stp.example" "$tmp/nosend.err" || fail "nosend: stderr does not say whom it could not mail"

# a broken configuration: lawwatch does not run, root hears
echo "folders = /srv" >> "$conf"
AS_OF=2025-12-01 run badconf 2
[ "$(mails badconf)" = 1 ] && [ "$(to badconf 1)" = "root" ] || fail "badconf: not one mail to root"
body badconf 1 | grep -qF "$conf:5" || fail "badconf: the body does not name the configuration file and line"

# --unit-failed: the unit's status and journal to admin_to
write_conf "$tmp/lib/lw.db" "van-thu@stp.example"
run unit 0 --unit-failed lawwatch-nightly.service
[ "$(mails unit)" = 1 ] && [ "$(to unit 1)" = "it@stp.example" ] || fail "unit: not one mail to admin_to"
subject unit 1 | grep -qF "lawwatch-nightly.service" || fail "unit: the subject does not name the unit"
body unit 1 | grep -q "ingest exploded (journal)" || fail "unit: the body lacks the journal"
body unit 1 | grep -q "failed (systemctl status)" || fail "unit: the body lacks the status"

# installed as it is: the command found beside the script (no LAWWATCH_BIN), today's date
write_conf "$tmp/nowhere/lw.db" "van-thu@stp.example"
LAWWATCH_BIN= run installed 2
[ "$(mails installed)" = 1 ] && [ "$(to installed 1)" = "it@stp.example" ] || fail "installed: not one mail to admin_to"
body installed 1 | grep -qF "$tmp/nowhere/lw.db" || fail "installed: the command beside the script did not run"

# a usage error: exit 3, no mail
run usage 3 --bogus
[ "$(mails usage)" = 0 ] || fail "usage: a mail was sent"
echo "t_nightly: 13 cases"
exit 0
