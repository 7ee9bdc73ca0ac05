#!/usr/bin/env python3
"""csvcheck.py -- input generators and output checkers for tests/csv.bats.

Subcommands (all files are byte-exact; text is UTF-8):

  spectrum-raw DATA NAME IN EXP
      Turn csv-spectrum case NAME into ew-add input IN, keeping its bytes:
      the header row is renamed to ew text columns (the column holding
      line breaks becomes description) and each record gets
      ",2026-11-20,Niono,attack" (event_date, cercle, category) appended
      before its line end.  EXP gets the expected records (JSON list).

  spectrum-values DATA NAME IN EXP
      One ew-add record per value of case NAME, the value as description,
      written by Python's csv module with the case's line ends (CRLF for
      the *_crlf cases) and final-newline habit.

  tricky DIR
      Write the round-trip records: DIR/tricky.json (expected), DIR/tricky.csv
      (CSV, CRLF line ends), DIR/tricky.ndjson (raw UTF-8) and
      DIR/tricky-ascii.ndjson (\\u escapes, surrogate pairs), and
      DIR/tricky.args: each record as FIELD=VALUE arguments, NUL-terminated,
      records separated by an empty argument.

  spectrum-all DATA DIR
      spectrum-raw and spectrum-values for every case, into
      DIR/raw-NAME.{csv,json} and DIR/values-NAME.{csv,json}, and both
      expectations, raw then values, in DIR/both-NAME.json.

  check EXP IDS FORMAT:OUT...
      Check that each OUT (ew list output in FORMAT csv|tsv|json) holds, for
      the i-th id of IDS (one per line), every field of the i-th record of
      EXP.

  canonical FILE [--sorted]
      Check FILE is CSV as ew writes it: a field is quoted iff it holds
      , " CR or LF; LF record ends; no blank line at the end; with --sorted,
      rows ordered by (event_date, id).
"""

import csv
import io
import json
import re
import sys

REQUIRED = b",2026-11-20,Niono,attack"
TEXT_POOL = ["reporter", "actor1", "actor2", "source", "location"]


def split_records(raw):
    """Split raw CSV bytes into (body, line_end) pairs, honouring quotes."""
    recs, start, inq = [], 0, False
    for i, c in enumerate(raw):
        if c == 0x22:
            inq = not inq
        elif c == 0x0A and not inq:
            body_end = i - 1 if i > 0 and raw[i - 1] == 0x0D else i
            recs.append((raw[start:body_end], raw[body_end:i + 1]))
            start = i + 1
    if start < len(raw):
        rest = raw[start:]
        # a last record may end with a bare CR (empty_crlf.csv does)
        if rest.endswith(b"\r") and not inq:
            recs.append((rest[:-1], b"\r"))
        else:
            recs.append((rest, b""))
    return recs


def load_case(data, name):
    raw = open(f"{data}/csvs/{name}.csv", "rb").read()
    exp = json.load(open(f"{data}/json/{name}.json", encoding="utf-8"))
    return raw, exp


def spectrum_raw(data, name, inp, expf):
    raw, exp = load_case(data, name)
    recs = split_records(raw)
    cols = next(csv.reader(io.StringIO(recs[0][0].decode("utf-8"))))
    if len(recs) - 1 != len(exp):
        sys.exit(f"{name}: {len(recs) - 1} raw records, {len(exp)} expected")
    multi = [c for c in cols if any("\n" in o[c] or "\r" in o[c] for o in exp)]
    assert len(multi) <= 1, multi
    desc = multi[0] if multi else cols[0]
    pool = iter(TEXT_POOL)
    names = {c: ("description" if c == desc else next(pool)) for c in cols}
    out = bytearray(",".join(names[c] for c in cols).encode())
    out += b",event_date,cercle,category" + recs[0][1]
    for body, end in recs[1:]:
        out += body + REQUIRED + end
    open(inp, "wb").write(out)
    json.dump([{names[c]: o[c] for c in cols} for o in exp],
              open(expf, "w", encoding="utf-8"), ensure_ascii=False)


def spectrum_values(data, name, inp, expf):
    raw, exp = load_case(data, name)
    cols = list(exp[0].keys())
    vals = [o[c] for o in exp for c in cols]
    end = "\r\n" if name.endswith("_crlf") else "\n"
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=end)
    w.writerow(["event_date", "cercle", "category", "description"])
    for v in vals:
        w.writerow(["2026-11-20", "Niono", "attack", v])
    text = buf.getvalue()
    if not raw.endswith(b"\n"):
        text = text[: -len(end)]
    open(inp, "wb").write(text.encode("utf-8"))
    json.dump([{"description": v} for v in vals],
              open(expf, "w", encoding="utf-8"), ensure_ascii=False)


TRICKY = [
    {"description": 'He said "stop", then left.\nLine two\r\nLine three\twith a tab\nbare CR\rend',
     "location": 'Quartier "Médine", près du marché',
     "reporter": "@m17", "actor1": '=HYPERLINK("x")', "actor2": "-1",
     "source": "+223 76 00 00 00", "tags": "a;b c;d-e"},
    {"description": "=cmd|' /C calc'!A0"},
    {"description": "+1+1"},
    {"description": "-2+3"},
    {"description": "@SUM(A1:A2)"},
    {"description": "é ɛ ŋ ɔ ɲ — مرحبا بالعالم — 中文 — 🙂"},
    {"description": "  leading and trailing spaces  "},
    {"description": "ends with a newline\n"},
    {"description": "\n"},
    {"description": '"'},
    {"description": '""'},
    {"description": ","},
    {"description": "back\\slash \\n \\t not escapes"},
    {"description": "\r\n\r\n"},
    {"description": "\t"},
    {"description": ""},
]


def tricky_records():
    recs = []
    for i, t in enumerate(TRICKY):
        r = {"event_date": f"2026-11-{i + 1:02d}", "cercle": "Niono",
             "category": "attack"}
        r.update(t)
        recs.append(r)
    return recs


def tricky(d):
    recs = tricky_records()
    json.dump(recs, open(f"{d}/tricky.json", "w", encoding="utf-8"),
              ensure_ascii=False)
    cols = []
    for r in recs:
        cols += [k for k in r if k not in cols]
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\r\n")
    w.writeheader()
    w.writerows(recs)
    open(f"{d}/tricky.csv", "wb").write(buf.getvalue().encode("utf-8"))
    with open(f"{d}/tricky.ndjson", "wb") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n")
    with open(f"{d}/tricky-ascii.ndjson", "wb") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=True).encode("ascii") + b"\n")
    with open(f"{d}/tricky.args", "wb") as f:
        for r in recs:
            for k, v in r.items():
                f.write(f"{k}={v}".encode("utf-8") + b"\0")
            f.write(b"\0")


TSV_ESC = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def tsv_unescape(s):
    def sub(m):
        if m.group(1) not in TSV_ESC:
            raise ValueError(f"unknown TSV escape \\{m.group(1)} in {s!r}")
        return TSV_ESC[m.group(1)]
    if re.search(r"[\t\r\n]", s):
        raise ValueError(f"raw tab/CR/LF in a TSV field: {s!r}")
    return re.sub(r"\\(.)", sub, s)


def parse_output(fmt, data):
    text = data.decode("utf-8")
    if fmt == "json":
        return [json.loads(line) for line in data.split(b"\n") if line]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    if fmt == "tsv":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        head = lines[0].split("\t")
        rows = []
        for ln in lines[1:]:
            vals = ln.split("\t")
            if len(vals) != len(head):
                raise ValueError(f"TSV row has {len(vals)} fields, not {len(head)}: {ln!r}")
            rows.append(dict(zip(head, (tsv_unescape(v) for v in vals))))
        return rows
    raise SystemExit(f"unknown format {fmt}")


def check(expf, idsf, outputs):
    exp = json.load(open(expf, encoding="utf-8"))
    ids = open(idsf, encoding="ascii").read().split()
    bad = 0
    if len(ids) != len(exp):
        print(f"{len(ids)} ids for {len(exp)} expected records")
        bad = 1
    for spec in outputs:
        fmt, outf = spec.split(":", 1)
        rows = {r["id"]: r for r in parse_output(fmt, open(outf, "rb").read())}
        for i, (rid, e) in enumerate(zip(ids, exp)):
            if rid not in rows:
                print(f"{fmt}: record {i + 1} ({rid}) is missing")
                bad = 1
                continue
            for k, v in e.items():
                got = rows[rid].get(k)
                if got != v:
                    print(f"{fmt}: record {i + 1} {k}: expected {v!r}, got {got!r}")
                    bad = 1
    sys.exit(bad)


def spectrum_all(data, out):
    import os
    for f in sorted(os.listdir(f"{data}/csvs")):
        name = f[:-4]
        spectrum_raw(data, name, f"{out}/raw-{name}.csv", f"{out}/raw-{name}.json")
        spectrum_values(data, name, f"{out}/values-{name}.csv", f"{out}/values-{name}.json")
        both = []
        for kind in ("raw", "values"):
            both += json.load(open(f"{out}/{kind}-{name}.json", encoding="utf-8"))
        json.dump(both, open(f"{out}/both-{name}.json", "w", encoding="utf-8"),
                  ensure_ascii=False)


def canonical_field(v):
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def canonical(path, sort):
    data = open(path, "rb").read()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    want = "".join(",".join(canonical_field(f) for f in r) + "\n" for r in rows)
    problems = []
    if want.encode("utf-8") != data:
        problems.append("not written as canonical RFC 4180 with LF line ends")
        a, b = want.encode("utf-8"), data
        n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        problems.append(f"first difference at byte {n}: canonical {a[n:n + 40]!r}, file {b[n:n + 40]!r}")
    if data.endswith(b"\n\n") and not rows[-1][-1].endswith("\n"):
        problems.append("blank line at the end")
    if not data.endswith(b"\n"):
        problems.append("no line end after the last record")
    if sort and len(rows) > 1:
        h = rows[0]
        keys = [(r[h.index("event_date")], r[h.index("id")]) for r in rows[1:]]
        if keys != sorted(keys):
            problems.append(f"rows not sorted by (event_date, id): {keys}")
    for p in problems:
        print(f"{path}: {p}")
    sys.exit(1 if problems else 0)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "spectrum-raw":
        spectrum_raw(*args)
    elif cmd == "spectrum-values":
        spectrum_values(*args)
    elif cmd == "tricky":
        tricky(*args)
    elif cmd == "check":
        check(args[0], args[1], args[2:])
    elif cmd == "spectrum-all":
        spectrum_all(*args)
    elif cmd == "canonical":
        canonical(args[0], "--sorted" in args[1:])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
