#!/usr/bin/env bats
# ew: the dispatcher; the conventions every program shares; installation.

load helpers

PROGRAMS=(ew ew-init ew-add ew-update ew-list ew-alert ew-merge ew-sync ew-clone ew-log ew-verify)

# usage_re PROG: how a usage line for PROG starts ("ew-add …" or "ew add …").
usage_re() {
	if [[ $1 == ew ]]; then
		echo '[Uu]sage: ew '
	else
		echo "[Uu]sage: ew[- ]${1#ew-} "
	fi
}

@test "ew: every program prints its usage on stdout for -h and --help and exits 0" {
	for p in "${PROGRAMS[@]}"; do
		for opt in -h --help; do
			run_split -0 "$p" "$opt"
			assert_stderr_empty
			assert_output --regexp "^$(usage_re "$p")"
		done
	done
}

@test "ew: every program prints 'PROG (ew) VERSION' for --version, the same version everywhere" {
	run_split -0 ew --version
	assert_output --regexp '^ew \(ew\) [0-9][^ ]*$'
	version=${output#ew (ew) }
	for p in "${PROGRAMS[@]}"; do
		run_split -0 "$p" --version
		assert_output "$p (ew) $version"
		assert_stderr_empty
	done
}

@test "ew: an unknown option is a usage error: usage on stderr, exit 2" {
	for p in "${PROGRAMS[@]}"; do
		run_split -2 "$p" --no-such-option
		assert_stdout_empty
		assert_stderr_regex "$(usage_re "$p")"
	done
}

@test "ew: the usage line matches the man page SYNOPSIS" {
	for p in ew-add ew-list ew-update ew-alert ew-merge ew-sync ew-log ew-verify; do
		[[ -f $EW_PROJECT_DIR/man/$p.1 ]] || continue
		run -0 "$p" --help
		assert_output --partial "$p [-C DIR]"
	done
}

@test "ew: an unknown command is an error naming it, exit 2" {
	run_split -2 ew foo
	assert_stdout_empty
	assert_stderr "ew: 'foo' is not an ew command; see 'ew --help'"
	run_split -2 ew -C "$BATS_TEST_TMPDIR" frobnicate --x
	assert_stderr "ew: 'frobnicate' is not an ew command; see 'ew --help'"
}

@test "ew: no command is a usage error" {
	run_split -2 ew
	assert_stdout_empty
	assert_stderr_regex '[Uu]sage: ew '
}

@test "ew: 'ew add …' does what 'ew-add …' does" {
	new_repo
	run_split -0 ew add event_date=2026-11-20 cercle=Niono category=attack
	a=$output
	run_split -0 ew-add event_date=2026-11-20 cercle=Niono category=attack
	b=$output
	assert_equal "$(list_ids)" "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
	assert_equal "$(ew list --fields event_date,cercle,category "$a" | tail -1)" "$(ew-list --fields event_date,cercle,category "$b" | tail -1)"
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Nionoo category=attack
	via_ew=("$status" "$output" "$stderr")
	run_split -2 ew-add event_date=2026-11-20 cercle=Nionoo category=attack
	assert_equal "${via_ew[*]}" "$status $output $stderr"
	assert_repo_unchanged
	assert_equal "$(ew list)" "$(ew-list)"
	assert_equal "$(ew list --json --since 2026-11-01)" "$(ew-list --json --since 2026-11-01)"
	printf 'event_date,cercle,category\n2026-11-21,San,clash\n' >"$IN"
	run -0 ew add <"$IN"
	assert_output --regexp "^$ULID_RE\$"
	assert_clean_repo
}

@test "ew: the exit status of the command is passed on" {
	new_repo
	run -1 ew list
	assert_output "$EW_COLUMNS"
	add_one
	run -0 ew list --count
	assert_output 1
	run_split -2 ew list --format xml
	assert_stdout_empty
}

@test "ew: -C DIR runs the command in that repository" {
	new_repo
	add_one
	cd "$BATS_TEST_TMPDIR"
	run -0 ew -C "$BATS_TEST_TMPDIR/repo" list --count
	assert_output 1
	run -0 ew -C repo add event_date=2026-11-21 cercle=Bla category=threat
	assert_equal "$(commit_count repo)" 3
	assert_clean_repo repo
}

@test "ew: any ew-NAME on PATH is a command, given its arguments as they are" {
	mkdir "$BATS_TEST_TMPDIR/ext"
	printf '#!/bin/sh\nprintf "[%%s]" "$@"\necho\nexit 3\n' >"$BATS_TEST_TMPDIR/ext/ew-hello"
	chmod +x "$BATS_TEST_TMPDIR/ext/ew-hello"
	PATH=$PATH:$BATS_TEST_TMPDIR/ext run_split -3 ew hello 'a b' '' c=d
	assert_output '[a b][][c=d]'
}

@test "ew: a command next to ew wins over one on PATH" {
	mkdir "$BATS_TEST_TMPDIR/ext"
	printf '#!/bin/sh\necho impostor\n' >"$BATS_TEST_TMPDIR/ext/ew-list"
	chmod +x "$BATS_TEST_TMPDIR/ext/ew-list"
	new_repo
	PATH=$BATS_TEST_TMPDIR/ext:$PATH run -1 "$(command -v ew)" list
	assert_output "$EW_COLUMNS"
}

@test "ew: 'ew help COMMAND' shows the manual page and exits 0" {
	command -v man >/dev/null || skip "man is not installed"
	run_split -0 ew help add
	assert_output --partial 'ew-add'
	assert_output --partial 'FIELD=VALUE'
	run_split -0 ew help list
	assert_output --partial 'ew-list'
}

@test "ew: make install PREFIX=… gives programs that work from anywhere without EW_SHAREDIR" {
	[[ -z ${EW_SKIP_INSTALL_TEST:-} ]] || skip "EW_SKIP_INSTALL_TEST is set"
	inst=$BATS_TEST_TMPDIR/inst
	# BUILD and BIN in the test directory: the install must not disturb the
	# objects and programs of the source tree (config.h depends on PREFIX)
	run -0 make -C "$EW_PROJECT_DIR" -j4 install PREFIX="$inst" \
		BUILD="$BATS_TEST_TMPDIR/build" BIN="$BATS_TEST_TMPDIR/build/bin"
	for p in "${PROGRAMS[@]}"; do
		[[ -x $inst/bin/$p ]] || fail "$inst/bin/$p was not installed"
	done
	[[ -f $inst/share/ew/places.csv ]] || fail "places.csv was not installed under $inst/share/ew"
	for p in mail webhook; do
		[[ -x $inst/share/ew/notifiers/$p ]] || fail "notifier $p was not installed executable"
	done
	for m in man1/ew-alert.1 man1/ew-sync.1 man1/ew-merge.1 man1/ew-clone.1 man5/ew-rules.5; do
		[[ -f $inst/share/man/$m ]] || fail "$m was not installed"
	done
	cmp "$EW_PROJECT_DIR/share/bash-completion/completions/ew" "$inst/share/bash-completion/completions/ew" ||
		fail "the bash completion was not installed"
	mkdir "$BATS_TEST_TMPDIR/away"
	cd "$BATS_TEST_TMPDIR/away"
	run -0 env -u EW_SHAREDIR PATH="$inst/bin:/usr/bin:/bin" ew init -q data
	cmp data/places.csv "$inst/share/ew/places.csv"
	# git finds the installed merge driver
	run -0 git -C data config merge.ew.driver
	assert_output "'$inst/bin/ew-merge' --driver %O %A %B %P"
	cd data
	run -0 env -u EW_SHAREDIR PATH="$inst/bin:/usr/bin:/bin" ew add event_date=2026-11-20 cercle=segou category=attack
	id=$output
	run -0 env -u EW_SHAREDIR PATH="$inst/bin:/usr/bin:/bin" ew list --fields id,cercle
	assert_output "$(printf '%s\n' id,cercle "$id,Ségou")"
	run -0 env -u EW_SHAREDIR PATH="/usr/bin:/bin" "$inst/bin/ew-list" --count
	assert_output 1
	# the installed default rules run
	run -1 env -u EW_SHAREDIR PATH="$inst/bin:/usr/bin:/bin" ew alert --dry-run
	assert_output ""
	# the installed mappings and French messages are found
	[[ -f $inst/share/ew/mappings/kobo.conf ]] || fail "the Kobo mapping was not installed"
	[[ -f $inst/share/locale/fr/LC_MESSAGES/ew.mo ]] || fail "the French catalogue was not installed"
	cmp "$EW_PROJECT_DIR/man/fr/ew.7" "$inst/share/man/fr/man7/ew.7" || fail "the French ew(7) was not installed"
	# ew help shows the installed pages: ew(7) in French, the others in English
	if command -v man >/dev/null; then
		run -0 env -u EW_SHAREDIR -u LC_ALL LANG=fr_FR.UTF-8 MANPAGER=cat PATH="$inst/bin:/usr/bin:/bin" ew help
		assert_output --partial "outils pour un système communautaire d'alerte précoce"
		run -0 env -u EW_SHAREDIR -u LC_ALL LANG=fr_FR.UTF-8 MANPAGER=cat PATH="$inst/bin:/usr/bin:/bin" ew help add
		assert_output --partial 'add incident reports to an ew repository'
		run -0 env -u EW_SHAREDIR MANPAGER=cat PATH="$inst/bin:/usr/bin:/bin" ew help
		assert_output --partial 'tools for a community early-warning system'
	fi
	run -2 env -u EW_SHAREDIR -u LC_ALL LANG=fr_FR.UTF-8 PATH="$inst/bin:/usr/bin:/bin" ew list --format kml
	assert_output --partial 'format inconnu'
	assert_clean_repo
}
