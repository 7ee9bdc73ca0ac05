#!/usr/bin/env bats
# completion: the bash completion of share/bash-completion/completions/ew,
# driven as bash drives it: COMP_LINE, COMP_POINT, COMP_WORDS and
# COMP_CWORD set, the function that 'complete -p ew' names called, and
# COMPREPLY compared, sorted, with the words expected.  Every call must
# print nothing at all and return 0.

load helpers

COMPLETION=$EW_PROJECT_DIR/share/bash-completion/completions/ew

C1=01JQ0000000000000000000001 # 2026-11-27 Niono/Diabaly attack
C2=01JQ0000000000000000000002 # 2026-11-19 Ségou/Markala threat
C3=01JQ1000000000000000000003 # 2026-11-28 Macina/Kolongo abduction, confidential
C4=01JQ2000000000000000000004 # 2026-10-15 San/Somo displacement

# One repository for the file, which no test changes; tests that change
# a repository make their own with new_repo.
setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/repo" || return 1
	{
		echo 'id,event_date,cercle,commune,category,sensitivity'
		echo "$C1,2026-11-27,Niono,Diabaly,attack,public"
		echo "$C2,2026-11-19,Ségou,Markala,threat,restricted"
		echo "$C3,2026-11-28,Macina,Kolongo,abduction,confidential"
		echo "$C4,2026-10-15,San,Somo,displacement,restricted"
	} | ew add -C "$BATS_FILE_TMPDIR/repo" >/dev/null
}

setup() {
	ew_common_setup
	REPO=$BATS_FILE_TMPDIR/repo
	source "$COMPLETION"
	COMPOPT=
}

# compopt works only while bash is completing: record what the script asks.
compopt() {
	COMPOPT+=" $*"
}

# split_words LINE: COMP_WORDS and COMP_CWORD for LINE (the cursor at its
# end) as bash makes them: words split at blanks outside quotes, and each
# run of the characters of COMP_WORDBREAKS '=' and ':' a word of its own.
split_words() {
	local line=$1 c w='' q='' i brk=0
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ -n $q ]]; then
			w+=$c
			[[ $c != "$q" ]] || q=''
			continue
		fi
		case $c in
		' ')
			[[ -z $w ]] || COMP_WORDS+=("$w")
			w='' brk=0
			;;
		\' | \")
			w+=$c q=$c
			;;
		'\')
			w+=${line:i:2}
			((i++)) || true
			;;
		*)
			if [[ $c == [=:] && $COMP_WORDBREAKS == *"$c"* ]]; then
				if ((!brk)); then
					[[ -z $w ]] || COMP_WORDS+=("$w")
					w=''
				fi
				w+=$c brk=1
			else
				if ((brk)); then
					COMP_WORDS+=("$w")
					w='' brk=0
				fi
				w+=$c
			fi
			;;
		esac
	done
	COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
}

# complete_line LINE: completes LINE as bash does, with the cursor at its
# end; COMPREPLY then holds the completions, and REPLY_SORTED them
# sorted, one a line.  Fails if the function prints anything or fails.
complete_line() {
	local fn spec rc=0 out=$BATS_TEST_TMPDIR/.comp.out err=$BATS_TEST_TMPDIR/.comp.err
	# the command of the line: its last, after any ';' or '|'
	local cmd=${1##*[;|]}
	read -r cmd _ <<<"$cmd"
	complete -p "$cmd" >"$out" 2>&1 || fail "no completion for '$cmd'"
	IFS= read -r spec <"$out"
	[[ $spec =~ -F\ ([^ ]+) ]] || fail "no function in '$spec'"
	fn=${BASH_REMATCH[1]}
	COMP_LINE=$1
	COMP_POINT=${#1}
	COMP_TYPE=9 COMP_KEY=9
	split_words "$1"
	COMPREPLY=()
	COMPOPT=
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]:-}" >"$out" 2>"$err" || rc=$?
	((rc == 0)) || fail "completing '$1': $fn returned $rc"
	[[ ! -s $out && ! -s $err ]] ||
		fail "$(printf "completing '%s' printed:\n%s\n%s" "$1" "$(cat "$out")" "$(cat "$err")")"
	REPLY_SORTED=
	if ((${#COMPREPLY[@]} > 0)); then
		printf '%s\n' "${COMPREPLY[@]}" >"$out"
		REPLY_SORTED=$(LC_ALL=C sort "$out")
	fi
}

# assert_completions LINE [WORD...]: completing LINE offers exactly the
# WORDs (in any order).
assert_completions() {
	local line=$1 want=''
	shift
	(($# == 0)) || want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	complete_line "$line"
	[[ $REPLY_SORTED == "$want" ]] ||
		fail "$(printf "completing '%s'\n-- expected --\n%s\n-- offered --\n%s" "$line" "$want" "$REPLY_SORTED")"
}

# assert_offers LINE WORD...: completing LINE offers each WORD (and
# maybe others).
assert_offers() {
	local line=$1 w
	shift
	complete_line "$line"
	for w; do
		[[ $'\n'$REPLY_SORTED$'\n' == *$'\n'"$w"$'\n'* ]] ||
			fail "$(printf "completing '%s' does not offer '%s'; it offers:\n%s" "$line" "$w" "$REPLY_SORTED")"
	done
}

# help_options PROGRAM: the options the usage of 'PROGRAM --help' names,
# found by a pattern of their own (every word that starts with '-' and a
# letter, after a blank or '['; -pq is -p and -q), with --help and
# --version, which every program takes (ew(7)); one a line, sorted.
help_options() {
	local o i
	{
		"$1" --help | grep -oE '(^|[[ ])--?[a-zA-Z][a-zA-Z-]*' | tr -d '[ ' |
			while IFS= read -r o; do
				if [[ $o == --* || ${#o} == 2 ]]; then
					printf '%s\n' "$o"
				else
					for ((i = 1; i < ${#o}; i++)); do printf '%s\n' "-${o:i:1}"; done
				fi
			done
		printf '%s\n' --help --version
	} | LC_ALL=C sort -u
}

# help_formats PROGRAM: the values of --format that 'PROGRAM --help' lists
# (in any of its usage lines).
help_formats() {
	"$1" --help | grep -oE -- '--format [a-z|]+' | cut -d' ' -f2 | tr '|' '\n' | sort -u
}

CERCLES=(Barouéli Bla Macina Niono San Ségou Tominian)

@test "completion: the script is valid bash, passes shellcheck and completes ew and each ew-NAME program" {
	run -0 bash -n "$COMPLETION"
	run -0 complete -p ew
	assert_output --regexp '^complete -F [_a-zA-Z]+ ew$'
	for p in ew-add ew-update ew-list ew-alert ew-sync ew-log ew-verify ew-init ew-clone ew-merge; do
		run -0 complete -p "$p"
	done
	if command -v shellcheck >/dev/null; then
		run -0 shellcheck "$COMPLETION"
		assert_output ''
	fi
}

@test "completion: after ew, the commands of 'ew --help', help and the ew-NAME programs on PATH" {
	cd "$REPO"
	assert_completions 'ew ' add alert clone help init list log merge report sync update verify
	assert_completions 'ew l' list log
	assert_completions 'ew he' help
	assert_completions 'ew x'
	mkdir "$BATS_TEST_TMPDIR/ext"
	printf '#!/bin/sh\necho "usage: ew-frob [-C DIR] [--knob N] FILE"\n' >"$BATS_TEST_TMPDIR/ext/ew-frob"
	chmod +x "$BATS_TEST_TMPDIR/ext/ew-frob"
	PATH=$BATS_TEST_TMPDIR/ext:$PATH
	assert_completions 'ew f' frob
}

@test "completion: after ew -C DIR and ew help, the commands; ew's own options" {
	cd "$BATS_TEST_TMPDIR"
	assert_completions "ew -C $REPO li" list
	assert_completions "ew -C$REPO li" list
	assert_completions 'ew help l' list log
	assert_completions 'ew help lo' log
	assert_completions 'ew help log '
	assert_completions 'ew -' -C --help --version
	assert_completions 'ew --v' --version
}

@test "completion: the options of each command are every option its --help prints" {
	cd "$REPO"
	local p
	for p in add update list alert sync log verify init clone merge; do
		complete_line "ew $p -"
		assert_equal "$REPLY_SORTED" "$(help_options "ew-$p")"
		complete_line "ew-$p -"
		assert_equal "$REPLY_SORTED" "$(help_options "ew-$p")"
	done
	# the sets of some, as the usage lines show them
	assert_completions 'ew add -' -C -f -n --author --dry-run --format --help --mapping --replies --version
	assert_completions 'ew add --format ' csv json acled kobo sms
	assert_completions 'ew update --' --author --dry-run --settle --help --version
	assert_completions 'ew log --' --anchor --author --format --help --include-confidential \
		--json --reverse --since --until --version
	assert_completions 'ew sync --' --author --help --ids --init-remote --no-fetch \
		--no-push --quiet --retries --version
	assert_completions 'ew merge -' -C -p -q --driver --help --quiet --stdout --version
	assert_completions 'ew clone --' --branch --help --host-key --origin --quiet --version
	assert_completions 'ew list --inc' --include-confidential
	assert_completions 'ew alert --n' --nagios --note --now
	# an option is offered after other options and their arguments
	assert_offers 'ew list --cercle Niono --since 7d --wh' --where
}

@test "completion: options are read from --help once a session, so a new option is offered" {
	mkdir "$BATS_TEST_TMPDIR/ext"
	cat >"$BATS_TEST_TMPDIR/ext/ew-frob" <<EOF
#!/bin/sh
echo run >>"$BATS_TEST_TMPDIR/frob.runs"
echo "usage: ew-frob [-C DIR] [-qv] [--knob N] [--style plain|fancy] [--table-style=STYLE]"
echo "                [--output FILE] [--dry-run] FILE..."
echo "       ew-frob --style plain|bold|ascii [--knob N]"
EOF
	chmod +x "$BATS_TEST_TMPDIR/ext/ew-frob"
	PATH=$BATS_TEST_TMPDIR/ext:$PATH
	cd "$REPO"
	assert_completions 'ew frob -' -C -q -v --knob --style --table-style --output \
		--dry-run --help --version
	assert_completions 'ew frob --style ' ascii bold fancy plain
	assert_completions 'ew frob --style=f' fancy
	assert_completions 'ew frob --knob '
	assert_completions 'ew frob --dry-run --k' --knob
	run -0 cat "$BATS_TEST_TMPDIR/frob.runs"
	assert_output run
}

@test "completion: --format takes the formats the command's --help lists" {
	cd "$REPO"
	local p
	for p in list alert log verify; do
		run -0 help_formats "ew-$p"
		[[ -n $output ]] || fail "ew-$p --help lists no --format values"
		# shellcheck disable=SC2086
		assert_completions "ew $p --format " $output
	done
	assert_completions 'ew verify --format ' json text
	assert_completions 'ew list --format j' json
	assert_completions 'ew list --format=t' table tsv
	assert_completions 'ew alert list --format c' csv
}

@test "completion: --cercle, --commune and --category take the names of the gazetteer and the codes of the taxonomy" {
	cd "$REPO"
	assert_completions 'ew list --cercle ' "${CERCLES[@]}"
	assert_completions 'ew list --cercle S' San Ségou
	assert_completions 'ew list --cercle Sé' Ségou
	assert_completions 'ew list --cercle Ség' Ségou
	assert_completions 'ew list --cercle San' San
	assert_completions 'ew list --cercle=Bar' Barouéli
	assert_completions 'ew list --commune Dia' Diabaly Diakourouna Diaramana
	assert_completions 'ew list --commune Sa' Sakoïba Saloba Samabogo 'Sama\ Foulala' Saminé San \
		Sana Sanando Sansanding Sanékuy
	assert_completions 'ew list --commune Farakou' 'Farakou\ Massa'
	assert_completions "ew list --commune N\\'G" "N\\'Gara" "N\\'Gassola" "N\\'Goa"
	assert_completions 'ew list --commune Somo' Somo
	assert_completions 'ew list --category a' abduction armed-presence arrest attack
	assert_completions 'ew list --category in' intercommunal-tension
	assert_completions 'ew list --category=pe' peace-initiative
	assert_completions 'ew list --category x'
	run -0 sh -c "tail -n +2 '$EW_SHAREDIR/categories.csv' | cut -d, -f1 | LC_ALL=C sort"
	complete_line 'ew list --category '
	assert_equal "$REPLY_SORTED" "$output"
	assert_completions 'ew list --status v' verified
	assert_completions 'ew list --sensitivity ' confidential public restricted
}

@test "completion: place names match without regard to case and accents, as ew matches them" {
	cd "$REPO"
	assert_completions 'ew list --cercle se' Ségou
	assert_completions 'ew list --cercle SEGOU' Ségou
	assert_completions 'ew list --cercle baroue' Barouéli
	assert_completions 'ew list --commune kokry' 'Kokry\ centre'
	assert_completions 'ew list --category ATT' attack
}

@test "completion: a name with blanks or quotes is quoted for where the cursor is" {
	cd "$REPO"
	assert_completions 'ew list --commune "Farakou' 'Farakou Massa'
	assert_completions "ew list --commune 'Sama F" 'Sama Foulala'
	assert_completions "ew list --commune 'N" "N'\\''Gara" "N'\\''Gassola" "N'\\''Goa" \
		"N'\\''Koumandougou" "N'\\''Torosso" Nampalari Niala Niamana Niasso Niono
	assert_completions "ew list --commune \"N'Gas" "N'Gassola"
	assert_completions 'ew add commune="Yeredon' 'Yeredon Saniona'
}

@test "completion: the gazetteer and taxonomy are the repository's, else those of EW_SHAREDIR" {
	new_repo
	printf '%s\n' 'commune,"Zanféna, Nord",Niono,14.1,-5.9,' >>places.csv
	printf '%s\n' 'cattle-theft,Cattle theft,Vol de bétail,,,' >>categories.csv
	assert_completions 'ew list --commune Z' 'Zanféna,\ Nord'
	assert_completions 'ew add commune=zan' 'Zanféna,\ Nord'
	assert_completions 'ew list --category cat' cattle-theft
	# from elsewhere, with -C
	cd "$BATS_TEST_TMPDIR"
	assert_completions "ew -C repo list --commune Z" 'Zanféna,\ Nord'
	assert_completions "ew list -C repo --category cat" cattle-theft
	assert_completions "ew list --commune Z"
	# outside a repository: EW_SHAREDIR's
	mkdir share
	printf '%s\n' 'level,name,parent,latitude,longitude,aliases' 'region,Mopti,,14.5,-4.2,' \
		'cercle,Djenné,Mopti,13.9,-4.55,' 'cercle,Bandiagara,Mopti,14.35,-3.61,' >share/places.csv
	EW_SHAREDIR=$BATS_TEST_TMPDIR/share
	assert_completions 'ew list --cercle ' Bandiagara Djenné
	assert_completions 'ew list --cercle dj' Djenné
}

@test "completion: FIELD= for ew add and ew update: the columns of the repository, no space after '='" {
	cd "$REPO"
	local -a all=() upd=()
	IFS=, read -ra all <<<"$EW_COLUMNS"
	all=("${all[@]/%/=}")
	for f in "${all[@]}"; do
		case $f in id= | reported_at= | updated_at=) ;; *) upd+=("$f") ;; esac
	done
	assert_completions 'ew add ' "${all[@]}"
	[[ $COMPOPT == *'-o nospace'* ]] || fail "no '-o nospace' for FIELD=: '$COMPOPT'"
	assert_completions 'ew add ca' category=
	assert_completions 'ew add c' category= cercle= channel= commune=
	assert_completions 'ew add event_date=2026-11-20 sev' severity=
	assert_completions 'ew update ' "${upd[@]}"
	assert_completions "ew update $C1 s" sensitivity= severity= source= status=
	assert_completions 'ew update re' region= reporter=
	assert_completions 'ew update id'
	assert_completions 'ew-add loc' location=
	# the extra columns of ew.conf
	new_repo
	git config -f ew.conf record.extra-columns 'village_code, phone_area'
	git commit -q -m 'Declare extra columns' ew.conf
	assert_completions 'ew add vil' village_code=
	assert_completions 'ew update p' phone_area=
}

@test "completion: the values of cercle=, commune=, category=, channel=, status= and sensitivity=" {
	cd "$REPO"
	assert_completions 'ew add cercle=' "${CERCLES[@]}"
	[[ $COMPOPT != *nospace* ]] || fail "'-o nospace' for a value: '$COMPOPT'"
	assert_completions 'ew add cercle=Sé' Ségou
	assert_completions 'ew add cercle=seg' Ségou
	assert_completions 'ew add cercle=San' San
	assert_completions 'ew add commune=San' San Sana Sanando Sansanding Sanékuy
	assert_completions 'ew add commune=sama' 'Sama\ Foulala' Samabogo
	assert_completions 'ew add commune=Sama\ F' 'Sama\ Foulala'
	assert_completions 'ew add category=ab' abduction
	assert_completions 'ew add channel=' email form in-person other phone radio sms web
	assert_completions 'ew add channel=s' sms
	assert_completions 'ew add status=' closed duplicate false new verified
	assert_completions 'ew add sensitivity=c' confidential
	assert_completions "ew update $C1 status=v" verified
	assert_completions "ew update $C1 sensitivity=" confidential public restricted
	assert_completions 'ew update 01JQ cercle=ma' Macina
	assert_completions 'ew add severity='
	assert_completions 'ew add description=S'
}

@test "completion: without '=' in COMP_WORDBREAKS, FIELD=VALUE is completed whole" {
	cd "$REPO"
	COMP_WORDBREAKS=$' \t\n"\'><;|&(:'
	assert_completions 'ew add cercle=Ni' cercle=Niono
	assert_completions 'ew add commune=Farakou' 'commune=Farakou\ Massa'
	assert_completions 'ew list --cercle=Bar' --cercle=Barouéli
	assert_completions 'ew list --format=j' --format=json
}

@test "completion: record ids for ew update, ew log and ew list, by a prefix of at least one character" {
	cd "$REPO"
	assert_completions 'ew update 0' $C1 $C2 $C3 $C4
	assert_completions 'ew update 01JQ0' $C1 $C2
	assert_completions 'ew update 01jq1' $C3
	assert_completions 'ew log 01JQ2' $C4
	assert_completions 'ew list 01JQ' $C1 $C2 $C3 $C4
	assert_completions "ew list --cercle Niono 01JQ00" $C1 $C2
	assert_completions "ew update $C1 01JQ2" $C4
	assert_completions 'ew add duplicate_of=01JQ1' $C3
	assert_completions 'ew update 01JQ9'
	assert_completions 'ew update 9'
	assert_completions 'ew log '
	assert_completions 'ew list '
	assert_completions 'ew-update 01JQ1' $C3
	assert_completions 'ew-log 01JQ0000000000000000000002' $C2
}

@test "completion: -C DIR and file arguments complete directories and files" {
	mkdir -p "$BATS_TEST_TMPDIR/work/alpha" "$BATS_TEST_TMPDIR/work/beta dir"
	touch "$BATS_TEST_TMPDIR/work/gamma.conf"
	cd "$BATS_TEST_TMPDIR/work"
	assert_completions 'ew -C ' alpha 'beta dir'
	[[ $COMPOPT == *'-o filenames'* ]] || fail "no '-o filenames' for -C: '$COMPOPT'"
	assert_completions 'ew -C a' alpha
	assert_completions 'ew list -C b' 'beta dir'
	assert_completions 'ew-log -C ' alpha 'beta dir'
	assert_completions 'ew init ' alpha 'beta dir'
	assert_completions 'ew alert --rules g' gamma.conf
	assert_completions 'ew alert --rules=g' gamma.conf
	assert_completions 'ew verify --allowed-signers ' alpha 'beta dir' gamma.conf
	assert_completions 'ew merge ' alpha 'beta dir' gamma.conf
	# the repository of -C is the one completed
	cd "$BATS_TEST_TMPDIR"
	assert_completions "ew -C $REPO update 01JQ1" $C3
	assert_completions "ew -C ${REPO%/*} -C repo update 01JQ1" $C3
	assert_completions "ew update -C $REPO 01JQ1" $C3
	assert_completions "ew-update -C$REPO 01JQ1" $C3
	assert_completions "ew update 01JQ1"
	EW_DIR=$REPO
	assert_completions "ew update 01JQ1" $C3
	assert_completions "ew -C $BATS_TEST_TMPDIR update 01JQ1"
}

@test "completion: ew alert: its actions, open alerts, rule names" {
	new_repo
	rules <<'EOF'
[rule "attacks"]
	level = red
	where = .category == \"attack\"
	window = 7d
	group-by = cercle
	threshold = 1
[rule "threats-commune"]
	level = yellow
	where = .category == \"threat\"
	window = 7d
	threshold = 1
EOF
	ew add event_date=2026-11-27 cercle=Niono category=attack >/dev/null
	ew alert >/dev/null || true
	alert=$(ew alert list --open --format tsv | sed -n '2s/\t.*//p')
	[[ $alert =~ ^$ULID_RE$ ]] || fail "no open alert: '$alert'"
	assert_completions 'ew alert ' ack list resolve silence
	assert_completions 'ew alert --dry-run a' ack
	assert_completions "ew alert ack ${alert:0:3}" "$alert"
	assert_completions "ew alert resolve ${alert:0:3}" "$alert"
	assert_completions 'ew alert silence ' attacks threats-commune
	assert_completions 'ew alert silence t' threats-commune
	assert_completions 'ew alert list --o' --open
}

@test "completion: ew sync completes the remotes of the repository" {
	new_repo
	git remote add hub "$BATS_TEST_TMPDIR/hub.git"
	git remote add usb /media/usb/segou.git
	assert_completions 'ew sync ' hub usb
	assert_completions 'ew sync --no-push u' usb
	assert_completions 'ew sync --init-remote ew.c' ew.conf
}

@test "completion: nothing is printed outside a repository, nor without a gazetteer" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	cd "$BATS_TEST_TMPDIR/empty"
	local l
	for l in 'ew ' 'ew add ' 'ew add c' 'ew add cercle=Ni' 'ew update 0' 'ew update s' \
		'ew log 01' 'ew list 0' 'ew list --fields id,' 'ew list --group-by c' \
		'ew alert ack 0' 'ew alert silence ' 'ew sync ' 'ew -C /nonexistent update 0' \
		'ew -C /nonexistent list --cercle N' 'ew nosuchcommand --' 'ew-list --commune "N' \
		"ew list --cercle 'a b"; do
		complete_line "$l"
	done
	assert_completions 'ew update 0'
	assert_completions 'ew add '
	assert_completions 'ew list --group-by c'
	assert_completions 'ew alert silence '
	assert_completions 'ew sync '
	# the gazetteer of EW_SHAREDIR, outside a repository
	assert_completions 'ew list --cercle Ni' Niono
	assert_completions 'ew add cercle=Ni' Niono
	# with no places.csv anywhere: a copy of the script beside no share/ew,
	# and an ew beside no share/ew either
	mkdir -p "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/b"
	cp "$COMPLETION" "$BATS_TEST_TMPDIR/c/ew"
	ln -s "$(command -v ew)" "$BATS_TEST_TMPDIR/b/ew"
	PATH=$BATS_TEST_TMPDIR/b:$PATH
	unset EW_SHAREDIR
	source "$BATS_TEST_TMPDIR/c/ew"
	assert_completions 'ew list --cercle Ni'
	assert_completions 'ew add commune=S'
	assert_completions 'ew list --category a'
	assert_completions 'ew l' list log
}

@test "completion: the installed layout finds its gazetteer without EW_SHAREDIR" {
	local inst=$BATS_TEST_TMPDIR/inst
	mkdir -p "$inst/bin" "$inst/share/ew" "$inst/share/bash-completion/completions"
	cp "$COMPLETION" "$inst/share/bash-completion/completions/ew"
	cp "$EW_SHAREDIR/places.csv" "$EW_SHAREDIR/categories.csv" "$inst/share/ew/"
	unset EW_SHAREDIR
	mkdir "$BATS_TEST_TMPDIR/empty" "$BATS_TEST_TMPDIR/b"
	cd "$BATS_TEST_TMPDIR/empty"
	# beside the script (with an ew beside no share/ew)
	ln -s "$(command -v ew)" "$BATS_TEST_TMPDIR/b/ew"
	PATH=$BATS_TEST_TMPDIR/b:$PATH
	source "$inst/share/bash-completion/completions/ew"
	assert_completions 'ew list --cercle Ma' Macina
	# beside the program
	mkdir -p "$BATS_TEST_TMPDIR/other"
	cp "$COMPLETION" "$BATS_TEST_TMPDIR/other/ew"
	ln -s "$(command -v ew)" "$inst/bin/ew"
	PATH=$inst/bin:$PATH
	source "$BATS_TEST_TMPDIR/other/ew"
	assert_completions 'ew list --category ar' armed-presence arrest
}

@test "completion: --fields and --group-by take the column names" {
	cd "$REPO"
	assert_completions 'ew list --group-by ca' category
	assert_completions 'ew list --group-by=ce' cercle
	assert_completions 'ew list --fields id,ev' id,event_date
	[[ $COMPOPT == *'-o nospace'* ]] || fail "no '-o nospace' for --fields: '$COMPOPT'"
	assert_completions 'ew list --fields ca' category
	assert_completions 'ew list --fields id,category,k' id,category,killed
}

@test "completion: a completion runs ew at most once, its --help once a session" {
	mkdir "$BATS_TEST_TMPDIR/wrap"
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$BATS_TEST_TMPDIR/runs" \
		"$(command -v ew)" >"$BATS_TEST_TMPDIR/wrap/ew"
	chmod +x "$BATS_TEST_TMPDIR/wrap/ew"
	PATH=$BATS_TEST_TMPDIR/wrap:$PATH
	cd "$REPO"
	assert_completions 'ew update 01JQ1' $C3
	run -0 wc -l <"$BATS_TEST_TMPDIR/runs"
	assert_output 3 # ew --help, ew update --help, ew list
	: >"$BATS_TEST_TMPDIR/runs"
	assert_completions 'ew update 01JQ2' $C4
	assert_completions 'ew update s' sensitivity= severity= source= status=
	assert_completions 'ew update status=n' new
	assert_completions 'ew update --se' --settle
	assert_completions 'ew up' update
	run -0 cat "$BATS_TEST_TMPDIR/runs"
	assert_equal "${#lines[@]}" 2 # one ew list each for the ids and the field names
}

@test "completion: a command line after ';' or '|' is completed on its own" {
	cd "$REPO"
	assert_completions 'ew list --cercle Niono | ew alert --dry-run a' ack
	assert_completions 'cd .; ew lo' log
	assert_completions 'ew list --cercle Niono | ew list - --fo' --format
}
