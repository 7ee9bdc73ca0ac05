#!/bin/sh
# tour.sh -- the guided demo of ew, run by 'make demo':
#   sh share/ew/demo/tour.sh DEMO_DIR
# with the freshly built programs first on PATH and EW_SHAREDIR set.
# DEMO_DIR is removed and re-created; it must not hold anything else.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then echo "usage: sh tour.sh DEMO_DIR" >&2; exit 2; fi
dir=$1

# A fixed "now" makes the demo reproducible (ids aside).
EW_NOW=2026-11-28T12:00:00Z
EW_AUTHOR='Demo Operator <operator@example.org>'
EW_SHAREDIR=$(cd "${EW_SHAREDIR:-$(dirname "$0")/..}" && pwd)
export EW_NOW EW_AUTHOR EW_SHAREDIR
unset CDPATH GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

if [ -e "$dir" ] && [ ! -f "$dir/ew.conf" ] && [ -n "$(ls -A "$dir")" ]; then
	echo "tour.sh: '$dir' is not an ew repository; not removing it" >&2
	exit 2
fi

echo "==> Create a fresh data repository: ew init -q $dir"
rm -rf "$dir"
ew init -q "$dir"
cd "$dir"
echo

echo "==> Import the demo reports: ew add < \$EW_SHAREDIR/demo/reports.csv"
echo "    (one commit for the batch; ew add prints one new id per line)"
ids=$(ew add --author 'Demo Importer <demo@example.org>' <"$EW_SHAREDIR/demo/reports.csv")
printf '%s\n' "$ids" | head -n 3
echo "    ... $(printf '%s\n' "$ids" | wc -l | tr -d ' ') ids in all, added in one commit"
echo

echo "==> Reports since 1 November: ew list --since 2026-11-01 --format table"
ew list --since 2026-11-01 --format table
echo

echo "==> Attacks in the cercle of Niono, a few columns:"
ew list --cercle Niono --category attack \
	--fields id,event_date,commune,severity,killed --format table
echo

echo "==> Reports per cercle: ew list --group-by cercle"
ew list --group-by cercle --format table
echo

echo "==> How many reports count deaths: ew list --where '.killed > 0' --count"
ew list --where '.killed > 0' --count
echo

echo "==> Confidential reports are left out of all of the above unless asked for:"
echo "    ew list --include-confidential --sensitivity confidential --fields id,cercle,category"
ew list --include-confidential --sensitivity confidential \
	--fields id,cercle,category --format table
echo

echo "==> Add one report from the command line (a monitor's SMS):"
id=$(ew add event_date=2026-11-27 cercle=Niono commune=Diabaly category=threat \
	severity=3 channel=sms reporter=MON-NIO-01 \
	description='Menaces contre les agriculteurs au bord du canal')
echo "    new id: $id"
echo

echo "==> The coordinator verifies it: ew update $id status=verified"
ew update "$id" status=verified
echo

echo "==> Tools compose through pipes: Niono reports, then those of severity 4 or more:"
echo "    ew list --cercle Niono | ew list --where '.severity >= 4' --format table -"
ew list --cercle Niono | ew list --where '.severity >= 4' --format table -
echo

echo "==> Alerts. The default rules (rules.conf) count reports in time windows;"
echo "    one notifier, kept in .git/config, appends each notification to a file:"
git config notifier.desk.command 'jq -r .summary >> "$(git rev-parse --git-dir)/demo-notifications.txt"'
git config -f rules.conf --add rule.killings.notify desk
git commit -q -m "Notify the desk of killings" rules.conf
echo "    git config notifier.desk.command '...'; rules.conf: [rule \"killings\"] notify = desk"
echo
echo "==> Evaluate the rules, as cron would every few minutes: ew alert --format table"
ew alert --format table
echo
echo "==> What the notifier received:"
cat .git/demo-notifications.txt
echo
echo "==> A second run at the same instant finds nothing new (exit 1, no output):"
status=0
ew alert || status=$?
echo "    exit status $status"
echo
alert=$(ew alert list --open --format csv | awk -F, '$2 == "killings" {print $1}')
echo "==> The desk acknowledges the killings alert: ew alert ack $alert --note ..."
ew alert ack "$alert" --author 'Desk Officer <desk@example.org>' \
	--note 'Protection cluster informed'
echo
echo "==> Open alerts: ew alert list --open --format table"
ew alert list --open --format table
echo
echo "==> For Nagios: ew alert --nagios"
ew alert --nagios || :
echo

echo "==> A second office, and a USB disk as the hub between them"
echo "    (here both are in a temporary directory, removed at the end):"
usb=$(mktemp -d)
trap 'rm -rf "$usb"' EXIT
echo "    ew sync --init-remote \$USB/segou.git usb"
ew sync --init-remote "$usb/segou.git" usb
echo "    ew clone \$USB/segou.git office-b"
ew clone -q "$usb/segou.git" "$usb/office-b"
echo "==> Both offices change the same report offline: this office its description,"
echo "    office B its severity; office B also adds a report"
ew update "$id" description='Menaces contre les agriculteurs (confirmé)' >/dev/null
EW_NOW=2026-11-28T12:30:00Z ew -C "$usb/office-b" update "$id" severity=4 >/dev/null
EW_NOW=2026-11-28T12:30:00Z ew -C "$usb/office-b" add event_date=2026-11-28 \
	cercle=Macina category=armed-presence severity=2 channel=phone >/dev/null
echo "==> Office B syncs through the disk, then this office:"
ew -C "$usb/office-b" sync
echo "    ew sync --ids | ew list - --fields id,cercle,category,severity --format table"
ew sync --ids | ew list - --fields id,cercle,category,severity --format table
echo "==> The report carries both changes:"
ew list "$id" --fields id,severity,description --format table
echo

echo "==> Every change is a commit with a readable message:"
git --no-pager log --format='%h %an %s' | head
echo
git --no-pager show --stat HEAD
echo

echo "==> The reports are plain CSV files, one per month of event_date:"
ls reports/*/
echo

cat <<EOF
==> Done. The demo repository is $(pwd)
    It is an ordinary git repository: read reports/2026/*.csv, or try
      cd $(pwd)
      export EW_NOW=$EW_NOW    # the demo's "today", for --since 7d
      ew list --since 7d --format table
      ew list --json | jq -r '.description'
      ew update ID status=closed     # ID as printed by ew list
      ew alert list --format table
      cat alerts.csv
      git log -p reports/
      ew help list
EOF
