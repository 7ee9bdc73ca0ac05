#!/usr/bin/env bats
# ew report: the figures of a period, as HTML and as Markdown; the HTML's
# structure (python3's html.parser), its charts and map, its escaping of
# hostile text, and how a real browser (headless Chromium) renders it;
# confidential records; -o; bad options.
#
# Most tests read one fixture repository made once for the file.  EW_NOW
# is 2026-11-28T12:00:00Z, so the default period is 2026-11-22 to
# 2026-11-28 and the twelve weeks of the trend start on 2026-09-06.

load helpers

R1=01JQ0000000000000000000001  # 11-27 Niono/Diabaly attack, killed 2 injured 3
R2=01JQ0000000000000000000002  # 11-26 Niono/Sokolo attack, killed 1
R3=01JQ0000000000000000000003  # 11-25 Niono/Dogofry attack, killed 3 injured 1
R4=01JQ0000000000000000000004  # 11-24 Macina/Kolongo abduction, abducted 2
R5=01JQ0000000000000000000005  # 11-23 San/Somo threat
R6=01JQ0000000000000000000006  # 11-22 Bla displacement, displaced 60
R7=01JQ0000000000000000000007  # 11-28 Tominian attack, killed 5, confidential
R8=01JQ0000000000000000000008  # 11-26 Ségou attack, killed 9, status false
R9=01JQ0000000000000000000009  # 11-10 Barouéli clash, killed 4, reported 11-27: late
R10=01JQ000000000000000000000A # 11-12 Niono attack, killed 1, reported 11-13
R11=01JQ000000000000000000000B # 09-06 Ségou threat: the first week of the trend
R12=01JQ000000000000000000000C # 09-05 Ségou threat: before the trend
R13=01JQ000000000000000000000D # 11-15 Macina threat, reported 11-26, confidential: late

# The description of R9: markup, a table cell's bar, a bidirectional
# override (U+202E) and an ESC.
HOSTILE=$'<script>alert("x")</script> | **bold** & \'q\' \xe2\x80\xaeevil\e[31m'

# The alert rules: attacks per cercle (Niono: yellow), abductions per
# commune (Kolongo, in Macina: orange), displacement over the region (no
# group: placed by its record, in Bla: red).
RULES='[rule "attacks"]
	level = yellow
	where = .category == \"attack\"
	threshold = 3
	window = 7d
	group-by = cercle
[rule "abductions"]
	level = orange
	where = .category == \"abduction\"
	window = 7d
	group-by = commune
[rule "displacement"]
	level = red
	where = .displaced > 0
	sum = displaced
	threshold = 50
	window = 7d'

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	local repo=$BATS_FILE_TMPDIR/repo
	ew init -q "$repo" || return 1
	cd "$repo" || return 1
	printf '%s\n' "$RULES" >rules.conf
	git commit -q -m 'Set the alert rules' rules.conf || return 1
	{
		echo 'id,event_date,reported_at,cercle,commune,category,killed,injured,abducted,displaced,status,sensitivity,description'
		echo "$R1,2026-11-27,2026-11-27T10:00:00Z,Niono,Diabaly,attack,2,3,,,,,"
		echo "$R2,2026-11-26,2026-11-26T10:00:00Z,Niono,Sokolo,attack,1,,,,,,"
		echo "$R3,2026-11-25,2026-11-25T10:00:00Z,Niono,Dogofry,attack,3,1,,,,,"
		echo "$R4,2026-11-24,2026-11-24T10:00:00Z,Macina,Kolongo,abduction,,,2,,,,"
		echo "$R5,2026-11-23,2026-11-23T10:00:00Z,San,Somo,threat,,,,,,,"
		echo "$R6,2026-11-22,2026-11-22T10:00:00Z,Bla,,displacement,,,,60,,,"
		echo "$R7,2026-11-28,2026-11-28T10:00:00Z,Tominian,,attack,5,,,,,confidential,secret words"
		echo "$R8,2026-11-26,2026-11-26T10:00:00Z,Ségou,,attack,9,,,,false,,"
		printf '%s,2026-11-10,2026-11-27T09:00:00Z,Barouéli,,clash,4,,,,,,"%s"\n' $R9 "${HOSTILE//\"/\"\"}"
		echo "$R10,2026-11-12,2026-11-13T09:00:00Z,Niono,,attack,1,,,,,,"
		echo "$R11,2026-09-06,2026-09-06T09:00:00Z,Ségou,,threat,,,,,,,"
		echo "$R12,2026-09-05,2026-09-05T09:00:00Z,Ségou,,threat,,,,,,,"
		echo "$R13,2026-11-15,2026-11-26T09:00:00Z,Macina,,threat,,,,,,confidential,hidden late"
	} | ew add >/dev/null || return 1
	ew alert >/dev/null || return 1
	# the Macina abduction is acknowledged; the others stay open
	local id
	id=$(ew alert list --open --format csv | awk -F, '$2 == "abductions" { print $1 }')
	ew alert ack "$id" --note 'Seen' >/dev/null || return 1
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/repo" || return 1
	OUT=$BATS_TEST_TMPDIR/report.html
}

# html_facts FILE: what a page holds, a "key=value" line each, read with
# python3's html.parser: its doctype, charset and CSP, elements that load
# or run anything, tags left open or closed out of turn, the charts' bars
# and points, each map circle's count and colour, the headline figures,
# and the text of the late reports' descriptions.
html_facts() {
	"$PYTHON" - "$1" <<-'EOF'
		import sys
		from html.parser import HTMLParser
		VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
		        "link", "meta", "source", "track", "wbr"}
		class Facts(HTMLParser):
		    def __init__(self):
		        super().__init__(convert_charrefs=True)
		        self.f, self.stack, self.bad = {}, [], []
		        self.text = None
		        self.late = []
		        self.cell = 0
		    def add(self, k, n=1):
		        self.f[k] = self.f.get(k, 0) + n
		    def handle_decl(self, d):
		        self.f["doctype"] = d
		    def handle_starttag(self, tag, attrs):
		        a = dict(attrs)
		        cls = (a.get("class") or "").split()
		        if tag == "meta" and "charset" in a:
		            self.f["charset"] = a["charset"]
		        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
		            self.f["csp"] = a.get("content")
		        if tag in ("script", "iframe", "object", "embed", "img", "base"):
		            self.add("loaders")
		        for k, v in a.items():
		            if k.startswith("on"):
		                self.add("handlers")
		            if k in ("src", "href") and not (v or "").startswith("data:"):
		                self.add("external")
		        if tag == "rect" and "bar" in cls:
		            self.add("bars")
		            for c in cls[1:]:
		                self.add("bars." + c)
		        if tag == "circle" and "point" in cls:
		            self.add("points")
		        if tag == "circle" and "cercle" in cls:
		            self.add("cercles")
		            self.f["cercle." + a["data-cercle"]] = a["data-count"] + " " + " ".join(cls[1:])
		        if tag == "dd" and "data-figure" in a:
		            self.text = "figure." + a["data-figure"]
		            self.f[self.text] = ""
		        if tag == "tr" and "late" in cls:
		            self.add("late")
		            self.cell = 0
		        if tag == "td" and self.stack and self.stack[-1] == "tr" and "desc" in cls:
		            self.text = "late.desc"
		            self.late.append("")
		        if tag == "tr" and "alert" in cls:
		            self.add("alerts")
		        if tag not in VOID:
		            self.stack.append(tag)
		    def handle_startendtag(self, tag, attrs):
		        self.handle_starttag(tag, attrs)
		        if tag not in VOID:
		            self.stack.pop()
		    def handle_endtag(self, tag):
		        if not self.stack or self.stack[-1] != tag:
		            self.bad.append(tag)
		        else:
		            self.stack.pop()
		        if tag in ("dd", "td"):
		            self.text = None
		    def handle_data(self, d):
		        if self.text == "late.desc":
		            self.late[-1] += d
		        elif self.text:
		            self.f[self.text] += d
		p = Facts()
		p.feed(open(sys.argv[1], encoding="utf-8").read())
		p.close()
		p.f["unbalanced"] = len(p.bad) + len(p.stack)
		for k in sorted(p.f):
		    print("%s=%s" % (k, p.f[k]))
		for d in p.late:
		    print("late.desc=" + d)
	EOF
}

# fact KEY: the value of KEY in $facts (html_facts' output).
fact() {
	local l
	while IFS= read -r l; do
		[[ $l == "$1="* ]] && { printf '%s\n' "${l#*=}"; return 0; }
	done <<<"$facts"
	echo "(none)"
}

@test "report: the default period is the seven days ending today, with the headline figures" {
	run_split -0 ew report --format markdown
	assert_stderr_empty
	assert_line -n 0 '# Situation report: Ségou region'
	assert_line -n 1 'Period: 2026-11-22 to 2026-11-28 (7 days). Made at 2026-11-28T12:00:00Z by ew 0.1.0.'
	assert_line -n 2 'Confidential reports counted as incidents only, their other figures left out: 1.'
	# incidents R1-R7 (R8 is false); killed 2+1+3 (R7's 5 are confidential)
	assert_output --partial "$(printf '%s\n' '| Incidents | Killed | Injured | Abducted | Displaced |' \
		'| ---: | ---: | ---: | ---: | ---: |' '| 7 | 6 | 4 | 2 | 60 |')"
}

@test "report: --include-confidential adds their figures and says so" {
	run_split -0 ew report --format markdown --include-confidential
	assert_output --partial '| 7 | 11 | 4 | 2 | 60 |'
	assert_output --partial '**Confidential: this report includes the figures and details of confidential reports.**'
	refute_output --partial 'counted as incidents only'
}

@test "report: the table by cercle, with each cercle's highest open alert" {
	run_split -0 ew report --format markdown
	assert_output --partial "$(printf '%s\n' \
		'| Cercle | Incidents | Killed | Injured | Abducted | Displaced | Alert |' \
		'| --- | ---: | ---: | ---: | ---: | ---: | --- |' \
		'| Ségou | 0 | 0 | 0 | 0 | 0 | none |' \
		'| Barouéli | 0 | 0 | 0 | 0 | 0 | none |' \
		'| Bla | 1 | 0 | 0 | 0 | 60 | red |' \
		'| Macina | 1 | 0 | 0 | 2 | 0 | orange |' \
		'| Niono | 3 | 6 | 4 | 0 | 0 | yellow |' \
		'| San | 1 | 0 | 0 | 0 | 0 | none |' \
		'| Tominian | 1 | 0 | 0 | 0 | 0 | none |')"
}

@test "report: counts by cercle and category, only the categories that occur, with totals" {
	run_split -0 ew report --format markdown
	assert_output --partial "$(printf '%s\n' \
		'| Cercle | Attack | Abduction | Threat | Population displacement | Total |' \
		'| --- | ---: | ---: | ---: | ---: | ---: |' \
		'| Ségou | 0 | 0 | 0 | 0 | 0 |' \
		'| Barouéli | 0 | 0 | 0 | 0 | 0 |' \
		'| Bla | 0 | 0 | 0 | 1 | 1 |' \
		'| Macina | 0 | 1 | 0 | 0 | 1 |' \
		'| Niono | 3 | 0 | 0 | 0 | 3 |' \
		'| San | 0 | 0 | 1 | 0 | 1 |' \
		'| Tominian | 1 | 0 | 0 | 0 | 1 |' \
		'| **Total** | 4 | 1 | 1 | 1 | 7 |')"
}

@test "report: category labels are French when the language of messages is" {
	LANGUAGE=fr run_split -0 ew report --format markdown
	assert_output --partial '| Cercle | Attaque | Enlèvement | Menace |'
	LANGUAGE= LC_ALL=fr_FR.UTF-8 run_split -0 ew report --format markdown
	assert_output --partial '| Cercle | Attaque | Enlèvement |'
	LANGUAGE= LC_ALL=C.UTF-8 LANG=fr_FR.UTF-8 run_split -0 ew report --format markdown
	assert_output --partial '| Cercle | Attack | Abduction |'
}

@test "report: the weekly trend has twelve weeks ending on the last day" {
	run_split -0 ew report --format markdown
	local want
	want=$(printf '%s\n' '| Week | Incidents | Killed |' '| --- | ---: | ---: |' \
		'| 2026-09-06 to 2026-09-12 | 1 | 0 |' \
		'| 2026-09-13 to 2026-09-19 | 0 | 0 |' \
		'| 2026-09-20 to 2026-09-26 | 0 | 0 |' \
		'| 2026-09-27 to 2026-10-03 | 0 | 0 |' \
		'| 2026-10-04 to 2026-10-10 | 0 | 0 |' \
		'| 2026-10-11 to 2026-10-17 | 0 | 0 |' \
		'| 2026-10-18 to 2026-10-24 | 0 | 0 |' \
		'| 2026-10-25 to 2026-10-31 | 0 | 0 |' \
		'| 2026-11-01 to 2026-11-07 | 0 | 0 |' \
		'| 2026-11-08 to 2026-11-14 | 2 | 5 |' \
		'| 2026-11-15 to 2026-11-21 | 1 | 0 |' \
		'| 2026-11-22 to 2026-11-28 | 7 | 6 |')
	assert_output --partial "$want"
	# another period: the weeks end on its last day
	run_split -0 ew report --format markdown --since 2026-11-08 --until 2026-11-14
	assert_line -n 1 --partial 'Period: 2026-11-08 to 2026-11-14 (7 days).'
	assert_output --partial '| 2 | 5 | 0 | 0 | 0 |'
	assert_output --partial '| 2026-08-23 to 2026-08-29 | 0 | 0 |'
	assert_output --partial '| 2026-11-08 to 2026-11-14 | 2 | 5 |'
	refute_output --partial '2026-11-15 to'
}

@test "report: --since and --until take what ew list takes" {
	run_split -0 ew report --format markdown --since 2w --until yesterday
	assert_line -n 1 --partial 'Period: 2026-11-14 to 2026-11-27 (14 days).'
	run_split -0 ew report --format markdown --since 2026-11-28T00:00:00Z
	assert_line -n 1 --partial 'Period: 2026-11-28 to 2026-11-28 (1 days).'
	assert_output --partial '| 1 | 0 | 0 | 0 | 0 |'
	run_split -0 ew report --format markdown --until 2026-11-14
	assert_line -n 1 --partial 'Period: 2026-11-08 to 2026-11-14 (7 days).'
}

@test "report: open alerts, highest first, with their cercles and state" {
	run_split -0 ew report --format markdown
	assert_output --partial '## Open alerts (3)'
	local rows
	rows=$(grep -E "^\\| $ULID_RE \\| [a-z]" <<<"$output" | cut -d'|' -f3-8)
	assert_equal "$rows" "$(printf '%s\n' \
		' displacement | red |  | Bla | 2026-11-28T12:00:00Z | open ' \
		' abductions | orange | Kolongo | Macina | 2026-11-28T12:00:00Z | acknowledged ' \
		' attacks | yellow | Niono | Niono | 2026-11-28T12:00:00Z | open ')"
}

@test "report: late reports are those received in the period about events before it" {
	run_split -0 ew report --format markdown
	assert_output --partial '## New since the last report: late reports (1)'
	local late
	late=$(grep -E "^\| $ULID_RE \| 2026-" <<<"$output" | cut -d'|' -f2-9)
	assert_equal "$late" " $R9 | 2026-11-10 | 2026-11-27T09:00:00Z | Barouéli |  | Armed clash |  | 4 "
	# the confidential R13 only when asked for
	refute_output --partial "$R13"
	run_split -0 ew report --format markdown --include-confidential
	assert_output --partial '## New since the last report: late reports (2)'
	assert_output --partial "| $R13 | 2026-11-15 | 2026-11-26T09:00:00Z | Macina |"
	assert_output --partial 'hidden late'
}

@test "report: at most 100 late reports are listed, those of the latest events, and all are counted" {
	new_repo "$BATS_TEST_TMPDIR/many"
	local i
	{
		echo 'event_date,reported_at,cercle,category,description'
		for ((i = 1; i <= 105; i++)); do
			printf '2026-10-%02d,2026-11-25T08:00:00Z,Niono,threat,late %d\n' $(((i - 1) / 5 + 1)) $i
		done
	} | ew add >/dev/null || fail "ew add failed"
	run_split -0 ew report --format markdown
	assert_output --partial '## New since the last report: late reports (105)'
	assert_output --partial 'The 100 with the latest event dates are listed.'
	assert_equal "$(grep -c ' | late [0-9]* |$' <<<"$output")" 100
	assert_output --partial ' | late 6 |'
	refute_output --partial ' | late 5 |'
	ew report -o "$OUT"
	local facts
	facts=$(html_facts "$OUT")
	assert_equal "$(fact late)" 100
}

@test "report: Markdown escapes what tables and markup would take from a value" {
	run_split -0 ew report --format markdown
	local row
	row=$(grep -F "| $R9 |" <<<"$output")
	[[ $row == *' | \<script\>alert("x")\</script\> \| \*\*bold\*\* \& '\''q'\'' \\u202eevil\\u001b\[31m |' ]] ||
		fail "$(printf 'the description is not escaped as expected:\n%s' "$row")"
	assert_no_controls "$output"
	# every table row has as many cells as its header
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.md"
	"$PYTHON" - "$BATS_TEST_TMPDIR/report.md" <<-'EOF' || fail "a Markdown table is ragged"
		import re, sys
		cols = None
		for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
		    if not line.startswith("|"):
		        cols = None
		        continue
		    n = len(re.findall(r"(?<!\\)\|", line)) - 1
		    if cols is None:
		        cols = n
		    elif n != cols:
		        print("ragged: " + line)
		        sys.exit(1)
	EOF
	# confidential values are nowhere
	refute_output --partial 'secret words'
	refute_output --partial 'hidden late'
}

@test "report: the HTML page is self-contained, well formed, and escapes hostile text" {
	run_split -0 ew report -o "$OUT"
	assert_stdout_empty
	assert_stderr_empty
	local facts
	facts=$(html_facts "$OUT")
	assert_equal "$(fact doctype)" "DOCTYPE html"
	assert_equal "$(fact charset)" "utf-8"
	assert_equal "$(fact csp)" "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
	assert_equal "$(fact loaders)" "(none)"
	assert_equal "$(fact handlers)" "(none)"
	assert_equal "$(fact external)" "(none)"
	assert_equal "$(fact unbalanced)" 0
	# the hostile description is text, whole, with its controls shown
	assert_equal "$(fact late)" 1
	assert_equal "$(fact late.desc)" "<script>alert(\"x\")</script> | **bold** & 'q' \\u202eevil\\u001b[31m"
	run grep -c '<script' "$OUT"
	assert_output 0
	assert_no_controls "$(cat "$OUT")"
	run grep -F -e 'secret words' -e 'hidden late' "$OUT"
	assert_failure 1
}

@test "report: the HTML's figures, bars, points and map circles" {
	ew report >"$OUT"
	local facts
	facts=$(html_facts "$OUT")
	assert_equal "$(fact figure.incidents)" 7
	assert_equal "$(fact figure.killed)" 6
	assert_equal "$(fact figure.injured)" 4
	assert_equal "$(fact figure.abducted)" 2
	assert_equal "$(fact figure.displaced)" 60
	# 12 weeks, and killed and injured for each of the 7 cercles
	assert_equal "$(fact bars)" 26
	assert_equal "$(fact bars.incidents)" 12
	assert_equal "$(fact bars.killed)" 7
	assert_equal "$(fact bars.injured)" 7
	assert_equal "$(fact points)" 12
	assert_equal "$(fact cercles)" 7
	assert_equal "$(fact cercle.Niono)" "3 lvl-yellow"
	assert_equal "$(fact cercle.Macina)" "1 lvl-orange"
	assert_equal "$(fact cercle.Bla)" "1 lvl-red"
	assert_equal "$(fact cercle.Tominian)" "1 lvl-none"
	assert_equal "$(fact cercle.San)" "1 lvl-none"
	assert_equal "$(fact cercle.Ségou)" "0 lvl-none zero"
	assert_equal "$(fact cercle.Barouéli)" "0 lvl-none zero"
	assert_equal "$(fact alerts)" 3
	# the bars of the trend carry the weekly counts, in order
	assert_equal "$(grep -o '<rect class="bar incidents"[^>]*data-value="[0-9]*"' "$OUT" |
		sed 's/.*data-value="//; s/"//' | tr '\n' ' ')" "1 0 0 0 0 0 0 0 0 2 1 7 "
	# areas are proportional to counts: Niono's radius is sqrt(3) times Bla's
	"$PYTHON" - "$OUT" <<-'EOF' || fail "circle areas are not proportional to counts"
		import re, sys
		html = open(sys.argv[1], encoding="utf-8").read()
		r = {m.group(1): (int(m.group(2)), float(m.group(3))) for m in re.finditer(
		    r'data-cercle="([^"]+)" data-count="(\d+)" cx="[^"]+" cy="[^"]+" r="([^"]+)"', html)}
		n, b = r["Niono"], r["Bla"]
		ratio = (n[1] / b[1]) ** 2
		sys.exit(0 if abs(ratio - 3) < 0.02 else 1)
	EOF
}

@test "report: the map places the cercles by the gazetteer's coordinates" {
	ew report >"$OUT"
	"$PYTHON" - "$OUT" <<-'EOF' || fail "the cercles are not where the gazetteer puts them"
		import re, sys
		html = open(sys.argv[1], encoding="utf-8").read()
		pos = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in re.finditer(
		    r'data-cercle="([^"]+)" data-count="\d+" cx="([^"]+)" cy="([^"]+)"', html)}
		ok = (pos["Niono"][1] < pos["Macina"][1] < pos["Ségou"][1] < pos["Bla"][1]
		      and pos["Barouéli"][0] < pos["Ségou"][0] < pos["Niono"][0] < pos["Bla"][0]
		      < pos["Macina"][0] < pos["San"][0] < pos["Tominian"][0])
		# equirectangular: the same scale both ways, longitude times cos(13.6)
		dx = pos["Tominian"][0] - pos["Barouéli"][0]
		dy = pos["Bla"][1] - pos["Niono"][1]
		want = (6.83 - 4.39) * 0.97196 / (14.25 - 12.95)
		sys.exit(0 if ok and abs(dx / dy - want) < 0.01 else 1)
	EOF
}

@test "report: an empty repository gives zeros, every bar and seven hollow circles" {
	new_repo "$BATS_TEST_TMPDIR/empty"
	run_split -0 ew report -o "$OUT"
	local facts
	facts=$(html_facts "$OUT")
	assert_equal "$(fact figure.incidents)" 0
	assert_equal "$(fact bars)" 26
	assert_equal "$(fact points)" 12
	assert_equal "$(fact cercles)" 7
	assert_equal "$(fact cercle.Niono)" "0 lvl-none zero"
	assert_equal "$(fact unbalanced)" 0
	run_split -0 ew report --format markdown
	assert_output --partial '| 0 | 0 | 0 | 0 | 0 |'
	assert_output --partial 'No alert is open.'
}

@test "report: -o replaces the file by renaming a complete one into place" {
	mkdir "$BATS_TEST_TMPDIR/out"
	local out=$BATS_TEST_TMPDIR/out/report.md inode
	echo old >"$out"
	inode=$(stat -c %i "$out")
	run_split -0 ew report -o "$out" --format markdown
	assert_stdout_empty
	assert_equal "$(head -n 1 "$out")" '# Situation report: Ségou region'
	[[ $(stat -c %i "$out") != "$inode" ]] || fail "the file was written in place"
	run ls -A "$BATS_TEST_TMPDIR/out"
	assert_output report.md
	# relative to -C DIR, as git does
	cd "$BATS_TEST_TMPDIR/out"
	run_split -0 ew report -C "$BATS_FILE_TMPDIR/repo" -o rel.md --format markdown
	[[ -f $BATS_FILE_TMPDIR/repo/rel.md && ! -e rel.md ]] || fail "-o is not relative to -C DIR"
	rm -f "$BATS_FILE_TMPDIR/repo/rel.md"
	cd "$BATS_FILE_TMPDIR/repo"
	# a failed report leaves the file as it was
	echo old >"$out"
	run_split -2 ew report -o "$out" --since 2026-02-30
	assert_equal "$(cat "$out")" old
	run_split -2 ew report -o "$BATS_TEST_TMPDIR/no/such/dir/r.html"
	assert_stderr_regex "^ew-report: .*no/such/dir/r.html"
	[[ ! -e $BATS_TEST_TMPDIR/no ]] || fail "a directory was made"
	git status --porcelain --untracked-files=no >"$BATS_TEST_TMPDIR/st"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/st")" ""
}

@test "report: bad options and arguments are usage errors (exit 2)" {
	run_split -2 ew report --format pdf
	assert_stdout_empty
	assert_stderr "$(printf '%s\n' "ew-report: unknown format 'pdf' (expected html or markdown)" \
		'usage: ew-report [-C DIR] [--since WHEN] [--until WHEN]' \
		'                 [--format html|markdown] [-o FILE] [--include-confidential]')"
	run_split -2 ew report --since 2026-13-01
	assert_stderr_regex "^ew-report: invalid date '2026-13-01' \(expected YYYY-MM-DD"
	run_split -2 ew report --since 2026-11-20 --until 2026-11-10
	assert_stderr "ew-report: the period is empty: --since 2026-11-20 is after --until 2026-11-10"
	run_split -2 ew report --frobnicate
	assert_stderr_regex "unrecognized option '--frobnicate'"
	run_split -2 ew report extra
	assert_stderr_regex "^ew-report: unexpected argument 'extra'"
	run_split -2 ew report -o ''
	assert_stderr_regex "^ew-report: -o needs a file name"
	run_split -2 ew report -C "$BATS_TEST_TMPDIR"
	assert_stdout_empty
	assert_stderr_regex "^ew-report: .*ew init"
}

@test "report: --help prints the usage and --version the version (exit 0)" {
	run_split -0 ew report --help
	assert_line -n 0 'usage: ew-report [-C DIR] [--since WHEN] [--until WHEN]'
	run_split -0 ew report --version
	assert_output --regexp '^ew-report \(ew\) [0-9]'
	run_split -0 ew --help
	assert_output --partial '   report   '
}

@test "report: headless Chromium loads the page without errors and renders every bar and point" {
	local chromium
	chromium=$(command -v chromium || command -v chromium-browser || true)
	if [[ -z $chromium ]]; then
		[[ -z ${CI:-} ]] || fail "chromium is not installed, and CI is set: the browser test must run"
		skip "chromium is not installed"
	fi
	ew report -o "$BATS_TEST_TMPDIR/report.html"
	# a copy that loads from outside: proves that the check below sees it
	sed 's|<body>|<body><img src="http://example.invalid/x.png" alt="">|' \
		"$BATS_TEST_TMPDIR/report.html" >"$BATS_TEST_TMPDIR/canary.html"
	browse() {
		local name=$1
		timeout $((90 * EW_TEST_SLOW)) "$chromium" --headless --no-sandbox \
			--disable-gpu --no-first-run --no-default-browser-check \
			--disable-extensions --disable-background-networking \
			--disable-component-update --disable-sync \
			--user-data-dir="$BATS_TEST_TMPDIR/chromium-$name" \
			--host-resolver-rules="MAP * ~NOTFOUND" \
			--enable-logging=stderr --v=0 \
			--dump-dom "file://$BATS_TEST_TMPDIR/$name.html" \
			>"$BATS_TEST_TMPDIR/$name.dom" 2>"$BATS_TEST_TMPDIR/$name.err"
	}
	# page_errors NAME: chromium's lines about the page (console messages,
	# refused loads, network errors), not those about its own set-up
	page_errors() {
		grep -E 'CONSOLE|Uncaught|Refused|ERR_|Content Security Policy' \
			"$BATS_TEST_TMPDIR/$1.err" || true
	}
	browse report || fail "$(printf 'chromium failed:\n%s' "$(cat "$BATS_TEST_TMPDIR/report.err")")"
	browse canary || fail "chromium failed on the canary"
	[[ -n $(page_errors canary) ]] ||
		fail "$(printf 'a blocked load left no trace in chromium'\''s log; the check cannot work:\n%s' "$(cat "$BATS_TEST_TMPDIR/canary.err")")"
	local errors
	errors=$(page_errors report)
	[[ -z $errors ]] || fail "$(printf 'chromium reported problems with the page:\n%s' "$errors")"
	local dom=$BATS_TEST_TMPDIR/report.dom
	[[ -s $dom ]] || fail "chromium dumped no DOM"
	assert_equal "$(grep -o '<rect class="bar ' "$dom" | wc -l)" 26
	assert_equal "$(grep -o '<circle class="point ' "$dom" | wc -l)" 12
	assert_equal "$(grep -o '<circle class="cercle ' "$dom" | wc -l)" 7
	assert_equal "$(grep -c '<script' "$dom")" 0
	grep -qF '<dd data-figure="incidents">7</dd>' "$dom" || fail "the rendered page lacks the incidents figure"
	grep -qF '&lt;script&gt;alert("x")&lt;/script&gt;' "$dom" || fail "the hostile description is not shown as text"
}
