# ew - a community early-warning toolkit.  See README.md.

VERSION  = 0.1.0
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
SHAREDIR = $(PREFIX)/share/ew
DESTDIR  =

CC       = cc
CFLAGS   = -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS = -D_GNU_SOURCE -iquote lib -I$(BUILD)
LDLIBS   = $$(pkg-config --libs libgit2) -ljq -lcsv

# Where objects and programs go; `make check` uses its own pair.
BUILD    = build/obj
BIN      = bin

PROGS    = ew ew-init ew-add ew-update ew-list ew-alert ew-merge ew-sync \
           ew-clone ew-log ew-verify ew-report
LIBSRC   = lib/util.c lib/err.c lib/csv.c lib/date.c lib/ulid.c \
           lib/places.c lib/taxonomy.c lib/record.c lib/input.c \
           lib/check.c lib/output.c lib/jqf.c lib/repo.c lib/store.c \
           lib/cli.c lib/filter.c lib/where.c lib/rules.c lib/alert.c \
           lib/notify.c lib/merge.c lib/sync.c lib/remote.c \
           lib/run.c lib/sign.c lib/history.c lib/export.c \
           lib/import.c lib/sms.c lib/report.c lib/svg.c lib/i18n.c
UNITSRC  = tests/unit/unit.c tests/unit/test-util.c tests/unit/test-csv.c \
           tests/unit/test-date.c tests/unit/test-record.c \
           tests/unit/test-alert.c tests/unit/test-merge.c \
           tests/unit/test-run.c tests/unit/test-where.c \
           tests/unit/test-store.c tests/unit/test-sms.c \
           tests/unit/test-import.c tests/unit/test-svg.c
MAN1     = man/ew-init.1 man/ew-add.1 man/ew-update.1 man/ew-list.1 \
           man/ew-alert.1 man/ew-merge.1 man/ew-sync.1 man/ew-clone.1 \
           man/ew-log.1 man/ew-verify.1 man/ew-report.1
MAN5     = man/ew-data.5 man/ew-rules.5
MAN7     = man/ew.7 man/ew-audit.7 man/ew-sms.7
# translated pages: man/LANG/PAGE goes to MANDIR/LANG/manN/PAGE
MAN7FR   = man/fr/ew.7
SHARE    = share/ew/ew.conf share/ew/places.csv share/ew/categories.csv \
           share/ew/rules.conf
NOTIFIERS = share/ew/notifiers/mail share/ew/notifiers/webhook
MAPPINGS = share/ew/mappings/kobo.conf share/ew/mappings/odk.conf
DEMO     = share/ew/demo/reports.csv share/ew/demo/tour.sh

# Debian packages the build, tests and demo need.
DEBS     = gcc make pkg-config libc6-dev libcsv-dev libjq-dev libgit2-dev \
           git jq python3 bats bats-assert bats-support man-db time \
           curl msmtp openssh-client openssh-server openssl strace gpg \
           clang libclang-rt-14-dev valgrind parallel chromium \
           gettext locales

# The languages of po/ (besides English, the messages' own) and the
# keywords that mark a message: _() and N_() (i18n.h), and the format of
# ew_errf, ew_warn and the checker's problem(), which translate it.
LOCALES  = fr
MO       = $(LOCALES:%=share/locale/%/LC_MESSAGES/ew.mo)
POT      = po/ew.pot
TEST_LOCALES = fr_FR.UTF-8
# where the programs look for the catalogues: beside SHAREDIR (i18n.c)
LOCALEDIR = $(patsubst %/,%,$(dir $(SHAREDIR)))/locale
XGETTEXT_FLAGS = --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
           --keyword=_ --keyword=N_ --keyword=ew_errf:2 --keyword=ew_warn:1 \
           --keyword=problem:2 --flag=ew_errf:2:c-format \
           --flag=ew_warn:1:c-format --flag=problem:2:c-format \
           --package-name=ew --package-version=$(VERSION) --sort-by-file

# Debian packages only `make bench` needs: the peers bench/peers.sh
# compares ew with (jq, git and time are in DEBS already).
BENCH_DEBS = miller

# How many bats files `make check` runs at a time (GNU parallel); empty
# for one at a time.
BATS_JOBS = 2

SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

# The fuzz harnesses (fuzz/README.md): `make fuzz` runs each for
# FUZZ_TIME seconds, FUZZ_PAR at a time, built with clang's libFuzzer in
# build/fuzz; `make check` replays their seed corpora and past crashes.
FUZZERS   = fuzz-csv fuzz-ndjson fuzz-merge fuzz-date
FUZZ_TIME = 60
FUZZ_PAR  = 2
FUZZ_CC   = clang
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

# valgrind as `make check-valgrind` runs each program, and the programs
# it does not follow into when they exec them. (Not glibc's freeres at
# exit: it flushes stdio, even the output a program drops with _exit.)
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
           --show-leak-kinds=definite,indirect \
           --errors-for-leak-kinds=definite,indirect --track-fds=no \
           --num-callers=30 --run-libc-freeres=no --trace-children=yes \
           --suppressions=$(CURDIR)/tests/valgrind.supp
VG_SKIP  = /usr/*,/bin/*,/sbin/*

LIBOBJ   = $(LIBSRC:lib/%.c=$(BUILD)/lib/%.o)
UNITOBJ  = $(UNITSRC:tests/unit/%.c=$(BUILD)/unit/%.o)
FUZZOBJ  = $(FUZZERS:%=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/replay.o

all: $(PROGS:%=$(BIN)/%) $(MO)

# The message catalogues (i18n.h): po/LANG.po compiled where the
# programs look for them, share/locale beside share/ew.
share/locale/%/LC_MESSAGES/ew.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@.tmp $<
	mv -f $@.tmp $@

# po/ew.pot, the messages to translate, from the sources; `make po`
# brings each po/LANG.po up to date with it (new messages untranslated).
pot:
	xgettext $(XGETTEXT_FLAGS) -o $(POT) $(sort $(wildcard cmd/*.c lib/*.c))

po: pot
	for l in $(LOCALES); do msgmerge -q --no-fuzzy-matching --update --backup=none po/$$l.po $(POT); done

$(BUILD)/config.h: FORCE
	@mkdir -p $(BUILD)
	@printf '#define EW_VERSION "%s"\n#define SHAREDIR "%s"\n#define BINDIR "%s"\n' \
		'$(VERSION)' '$(SHAREDIR)' '$(BINDIR)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/lib/%.o: lib/%.c $(BUILD)/config.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -include $(BUILD)/config.h $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cmd/%.o: cmd/%.c $(BUILD)/config.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -include $(BUILD)/config.h $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit/%.o: tests/unit/%.c $(BUILD)/config.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -include $(BUILD)/config.h $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libew.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# linked under a temporary name, so a program being run is never half-written
$(BIN)/%: $(BUILD)/cmd/%.o $(BUILD)/libew.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp $< $(BUILD)/libew.a $(LDLIBS)
	mv -f $@.tmp $@

$(BUILD)/unit-tests: $(UNITOBJ) $(BUILD)/libew.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNITOBJ) $(BUILD)/libew.a $(LDLIBS)

$(BUILD)/fuzz/%.o: fuzz/%.c fuzz/fuzz.h $(BUILD)/config.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -include $(BUILD)/config.h $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

# a harness with a main that runs saved inputs (make check)
$(BUILD)/replay-%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/replay.o $(BUILD)/libew.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/fuzz/replay.o $(BUILD)/libew.a $(LDLIBS)

# a harness linked with libFuzzer (make fuzz, which sets CC to clang)
$(BUILD)/fuzz-%: $(BUILD)/fuzz/fuzz-%.o $(BUILD)/libew.a
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libew.a $(LDLIBS)

.SECONDARY: $(FUZZOBJ)

# The whole suite against a sanitizer build (AddressSanitizer and
# UndefinedBehaviorSanitizer), with the fresh programs first on PATH.
check: deps
	$(MAKE) BUILD=build/asan BIN=build/asan/bin CFLAGS="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" all build/asan/unit-tests \
		$(FUZZERS:%=build/asan/replay-%)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EW_SHAREDIR="$(CURDIR)/share/ew" build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EW_SHAREDIR="$(CURDIR)/share/ew" sh fuzz/replay.sh build/asan $(FUZZERS)
	ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions="$(CURDIR)/tests/lsan.supp":print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EW_BIN="$(CURDIR)/build/asan/bin" EW_SHAREDIR="$(CURDIR)/share/ew" \
		bats --tap $(BATS_JOBS:%=--jobs % --no-parallelize-within-files) tests/

# The slow checks (tests/slow/): ew add, ew update, ew alert and ew sync
# killed at each of their system calls and at random moments, failed
# writes (ENOSPC, EIO) at each write, fsync and rename, and 20 concurrent
# writers, against the plain build; then each fuzz harness for
# FUZZ_TIME seconds.
check-slow: deps all
	EW_SHAREDIR="$(CURDIR)/share/ew" EW_BIN="$(CURDIR)/$(BIN)" \
		bats --tap tests/slow/
	$(MAKE) fuzz

# Runs each fuzz harness for FUZZ_TIME seconds (see fuzz/README.md);
# fails when one finds a crash, saved under build/fuzz/crashes/.
fuzz: deps
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		LDFLAGS="$(FUZZ_SAN)" $(FUZZERS:%=build/fuzz/%)
	ASAN_OPTIONS=detect_leaks=1 EW_SHAREDIR="$(CURDIR)/share/ew" \
		sh fuzz/run.sh build/fuzz $(FUZZ_TIME) $(FUZZ_PAR) $(FUZZERS)

# The unit tests and the whole suite under valgrind, against a plain
# build in build/vg: build/vg/wrap/ holds one script per program that
# runs it under valgrind, and is EW_BIN. Any invalid access, use of an
# uninitialised value or definite (or indirect) leak makes the program
# exit 99 with valgrind's report on its stderr, and so fails its test.
# Programs exec'd from a valgrind run (ew-add from ew) run under valgrind
# too, but for system programs and scripts in the temporary directory.
# EW_UNDER_VALGRIND=1 tells the suites: they give the slower programs
# longer time limits.
# VG_TESTS (default tests/) names the bats files or directories to run
# (the whole suite takes hours).
VG_TESTS = tests/
check-valgrind: deps
	$(MAKE) BUILD=build/vg BIN=build/vg/bin CFLAGS="-O1 -g" all build/vg/unit-tests
	@mkdir -p build/vg/wrap
	@for p in $(PROGS); do \
		printf '#!/bin/sh\nexec %s --trace-children-skip="%s,$${TMPDIR:-/tmp}/*" "%s" "$$@"\n' \
			'$(VALGRIND)' '$(VG_SKIP)' "$(CURDIR)/build/vg/bin/$$p" \
			>build/vg/wrap/$$p.tmp && chmod +x build/vg/wrap/$$p.tmp && \
		mv -f build/vg/wrap/$$p.tmp build/vg/wrap/$$p || exit 1; \
	done
	EW_SHAREDIR="$(CURDIR)/share/ew" $(VALGRIND) \
		--trace-children-skip="$(VG_SKIP)" build/vg/unit-tests
	EW_BIN="$(CURDIR)/build/vg/wrap" EW_SHAREDIR="$(CURDIR)/share/ew" \
		EW_UNDER_VALGRIND=1 bats --tap \
		$(BATS_JOBS:%=--jobs % --no-parallelize-within-files) $(VG_TESTS)

# Builds, creates a demo repository in demo/ and walks through it.
demo: deps all
	EW_SHAREDIR="$(CURDIR)/share/ew" PATH="$(CURDIR)/$(BIN):$$PATH" \
		sh share/ew/demo/tour.sh "$(CURDIR)/demo"

# $(call install_debs,PACKAGES): a recipe line that installs those of the
# Debian PACKAGES that are missing (as root, or with sudo).
install_debs = missing=; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
			missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "installing:$$missing"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# $(call make_locales,NAMES): a recipe line that compiles the locales
# NAMES (fr_FR.UTF-8) that the system lacks, with localedef (as root, or
# with sudo): the tests run ew in French.
make_locales = for l in $(1); do \
		have=$$(echo "$$l" | sed 's/UTF-8$$/utf8/'); \
		locale -a 2>/dev/null | grep -qx "$$have" && continue; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "making the locale $$l"; \
		$$sudo localedef -i "$${l%%.*}" -f UTF-8 "$$l" || exit 1; \
	done

# Installs the Debian packages that are missing (as root, or with sudo).
deps:
	@$(call install_debs,$(DEBS))
	@$(call make_locales,$(TEST_LOCALES))

# Generates repositories of 1k to 1M records in bench/out/ and
# times ew add, ew list and ew alert on them, first against their peers
# (jq, Miller, git, a libcsv reader; BENCH_DEBS); see bench/README.md.
bench: deps all
	@$(call install_debs,$(BENCH_DEBS))
	bash bench/peers.sh
	bash bench/run.sh
	bash bench/alert.sh
	bash bench/sync.sh
	bash bench/audit.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(SHAREDIR)/demo $(DESTDIR)$(SHAREDIR)/notifiers \
		$(DESTDIR)$(SHAREDIR)/mappings \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for p in $(PROGS); do cp $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p; done
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	mkdir -p $(DESTDIR)$(MANDIR)/fr/man7
	cp $(MAN7FR) $(DESTDIR)$(MANDIR)/fr/man7/
	cp $(SHARE) $(DESTDIR)$(SHAREDIR)/
	cp $(DEMO) $(DESTDIR)$(SHAREDIR)/demo/
	cp $(NOTIFIERS) $(DESTDIR)$(SHAREDIR)/notifiers/
	cp $(MAPPINGS) $(DESTDIR)$(SHAREDIR)/mappings/
	for l in $(LOCALES); do \
		mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		cp share/locale/$$l/LC_MESSAGES/ew.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ew.mo || exit 1; \
	done
	cp share/bash-completion/completions/ew \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ew

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$${m#man/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANDIR)/man7/$${m#man/}; done
	for m in $(MAN7FR); do rm -f $(DESTDIR)$(MANDIR)/fr/man7/$${m#man/fr/}; done
	rm -rf $(DESTDIR)$(SHAREDIR)
	for l in $(LOCALES); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ew.mo; done
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ew

clean:
	rm -rf build bin demo bench/out share/locale

FORCE:

.PHONY: pot po all check check-slow fuzz check-valgrind demo deps bench install uninstall clean FORCE

-include $(LIBOBJ:.o=.d) $(UNITOBJ:.o=.d) $(PROGS:%=$(BUILD)/cmd/%.d) \
	$(FUZZOBJ:.o=.d)
