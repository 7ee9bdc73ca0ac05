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
           ew-clone ew-log ew-verify
LIBSRC   = lib/util.c lib/err.c lib/csv.c lib/date.c lib/ulid.c \
           lib/places.c lib/taxonomy.c lib/record.c lib/input.c \
           lib/check.c lib/output.c lib/jqf.c lib/repo.c lib/store.c \
           lib/cli.c lib/filter.c lib/rules.c lib/alert.c \
           lib/notify.c lib/merge.c lib/sync.c lib/remote.c \
           lib/run.c lib/sign.c lib/history.c
UNITSRC  = tests/unit/unit.c tests/unit/test-util.c tests/unit/test-csv.c \
           tests/unit/test-date.c tests/unit/test-record.c \
           tests/unit/test-alert.c tests/unit/test-merge.c \
           tests/unit/test-run.c
MAN1     = man/ew-init.1 man/ew-add.1 man/ew-update.1 man/ew-list.1 \
           man/ew-alert.1 man/ew-merge.1 man/ew-sync.1 man/ew-clone.1 \
           man/ew-log.1 man/ew-verify.1
MAN5     = man/ew-data.5 man/ew-rules.5
MAN7     = man/ew.7 man/ew-audit.7
SHARE    = share/ew/ew.conf share/ew/places.csv share/ew/categories.csv \
           share/ew/rules.conf
NOTIFIERS = share/ew/notifiers/mail share/ew/notifiers/webhook
DEMO     = share/ew/demo/reports.csv share/ew/demo/tour.sh

# Debian packages the build, tests and demo need.
DEBS     = gcc make pkg-config libc6-dev libcsv-dev libjq-dev libgit2-dev \
           git jq python3 bats bats-assert bats-support man-db time \
           curl msmtp openssh-client openssh-server openssl strace gpg

SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

LIBOBJ   = $(LIBSRC:lib/%.c=$(BUILD)/lib/%.o)
UNITOBJ  = $(UNITSRC:tests/unit/%.c=$(BUILD)/unit/%.o)

all: $(PROGS:%=$(BIN)/%)

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

# The whole suite against a sanitizer build (AddressSanitizer and
# UndefinedBehaviorSanitizer), with the fresh programs first on PATH.
check: deps
	$(MAKE) BUILD=build/asan BIN=build/asan/bin CFLAGS="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" all build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EW_SHAREDIR="$(CURDIR)/share/ew" build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions="$(CURDIR)/tests/lsan.supp":print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		EW_BIN="$(CURDIR)/build/asan/bin" EW_SHAREDIR="$(CURDIR)/share/ew" \
		bats --tap tests/

# Builds, creates a demo repository in demo/ and walks through it.
demo: deps all
	EW_SHAREDIR="$(CURDIR)/share/ew" PATH="$(CURDIR)/$(BIN):$$PATH" \
		sh share/ew/demo/tour.sh "$(CURDIR)/demo"

# Installs the Debian packages that are missing (as root, or with sudo).
deps:
	@missing=; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
			missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "installing:$$missing"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# Generates repositories of 1k to 1M records in bench/out/ and
# times ew add, ew list and ew alert on them; see bench/README.md.
bench: deps all
	bash bench/run.sh
	bash bench/alert.sh
	bash bench/sync.sh
	bash bench/audit.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(SHAREDIR)/demo $(DESTDIR)$(SHAREDIR)/notifiers
	for p in $(PROGS); do cp $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p; done
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	cp $(SHARE) $(DESTDIR)$(SHAREDIR)/
	cp $(DEMO) $(DESTDIR)$(SHAREDIR)/demo/
	cp $(NOTIFIERS) $(DESTDIR)$(SHAREDIR)/notifiers/

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$${m#man/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANDIR)/man7/$${m#man/}; done
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build bin demo bench/out

FORCE:

.PHONY: all check demo deps bench install uninstall clean FORCE

-include $(LIBOBJ:.o=.d) $(UNITOBJ:.o=.d) $(PROGS:%=$(BUILD)/cmd/%.d)
