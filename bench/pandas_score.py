#!/usr/bin/python3
"""Score leads with pandas: the script an analyst would write instead of running Ripen.

Usage:
    /usr/bin/python3 bench/pandas_score.py MODEL.json LEADS.csv [--out OUT.csv] [--check RIPEN.csv]

It reads a Ripen model file and a CSV of leads and computes, per lead, the weighted total,
the 0-100 score, the route of a complete lead (every empty cell counts as declined, as with
`ripen score --complete`) and the segment. Everything is vectorised over the rows: the only
Python loops run over questions, options, criteria, conditions and rules, plus, for strings
with few distinct values (domains, context values), over the distinct values.

Scoring semantics follow core/src/evaluator.cpp for complete leads:
  * a question's answer counts only when the question is shown (show_if) and answered;
  * points per criterion: options (Series.map), number bands (np.searchsorted on the band
    "from" values; below the first band gives no band), multiple-choice cells split on ';'
    (explode + map + groupby-sum), plus the points of signals whose condition holds; each
    criterion's sum is clamped to [0, max]; total = sum of weight * clamped points;
  * score = round half up of 100 * total / max = (200 * total + max) // (2 * max);
  * segment: the `source` column when it names a segment, else the first segment whose
    "when" holds, else the default one;
  * route: "disqualify" when a knock-out rule holds, else "handoff" when the total reaches
    the segment's threshold and every gate holds, else "nurture";
  * conditions on a declined or hidden answer are false (also `not_in`), except
    {"answered": false}; string matching is case-insensitive; domain_in matches subdomains.

Rows that Ripen would reject (unknown option, not a number, out of range, invalid e-mail or
country, unknown source, ...) are reported on stderr and left out of the output, as
`ripen score` leaves them out of its output.

Timings go to stderr: reading the CSV, scoring, writing, and the total.
"""

import argparse
import decimal
import json
import os
import sys
import time

import numpy as np
import pandas as pd

SCALE = 10_000  # Ripen's decimals carry four fractional digits
UNITS_LIMIT = 900_000_000_000_000  # whole units Ripen accepts (9e14)

# ISO 3166-1 alpha-2 codes, as in core/src/text_match.cpp.
COUNTRY_CODES = frozenset(
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS "
    "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE "
    "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
    "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split()
)
# Every spelling Ripen accepts for a country cell (it upper-cases ASCII letters).
COUNTRY_SPELLINGS = {
    v: c for c in COUNTRY_CODES for v in (c, c.lower(), c[0] + c[1].lower(), c[0].lower() + c[1])
}

# The grammar of core/src/decimal.cpp's parse_decimal (after trimming).
DECIMAL_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# Characters allowed in an e-mail's local part (ASCII; see text_match.cpp).
EMAIL_LOCAL = r"[!#$%&'*+\-./0-9=?A-Z^_`a-z{|}~]"
EMAIL_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
BLANKS = " \t"
# Ripen folds case for ASCII letters only.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text):
    return text.translate(ASCII_LOWER)


# ---- model -------------------------------------------------------------------------------------


def to_units(x):
    """A JSON number as Ripen's fixed-point units (four decimals, half up on the magnitude)."""
    a = abs(x)
    whole = int(a)
    units = whole * SCALE + int((a - whole) * SCALE + 0.5)
    return -units if x < 0 else units


def units_of(values, cells):
    """Parsed numbers (float, finite) as units, vectorised. Floats round a few decimal cells the
    wrong way at the half-unit boundary (49.99995 is 49.9999499... as a double): those cells,
    rare, are converted exactly from their text."""
    magnitude = np.abs(values)
    whole = np.floor(magnitude)
    scaled = (magnitude - whole) * SCALE
    units = whole.astype(np.int64) * SCALE + np.floor(scaled + 0.5).astype(np.int64)
    units = np.where(values < 0, -units, units)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        rows = np.flatnonzero(near_half)
        units[rows] = [exact_units(cell) for cell in cells.iloc[rows]]
    return units


def popcount(x):
    """Bits set in each uint64 (numpy 1.24 has no bitwise_count)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def exact_units(text):
    d = decimal.Decimal(text.strip(BLANKS))
    q = abs(d).quantize(decimal.Decimal("0.0001"), rounding=decimal.ROUND_HALF_UP)
    return int(q * SCALE) * (-1 if d < 0 else 1)


class Model:
    def __init__(self, doc):
        self.criteria = [c["id"] for c in doc["criteria"]]
        self.crit_index = {c: i for i, c in enumerate(self.criteria)}
        self.max = np.array([c["max"] for c in doc["criteria"]], dtype=np.int64)
        self.weight = np.array([c.get("weight", 1) for c in doc["criteria"]], dtype=np.int64)
        self.max_total = int((self.max * self.weight).sum())
        self.questions = doc["questions"]
        self.qindex = {q["id"]: i for i, q in enumerate(self.questions)}
        self.signals = doc.get("signals", [])
        self.signal_index = {s["id"]: i for i, s in enumerate(self.signals)}
        self.rules = doc.get("rules", [])
        self.handoff = doc["thresholds"]["handoff"]
        self.segments = doc["segments"]
        self.segment_index = {s["id"]: i for i, s in enumerate(self.segments)}
        self.thresholds = np.array([s.get("handoff_at", self.handoff) for s in self.segments], dtype=np.int64)
        # Context keys that some condition compares as a number: their values must be numbers.
        self.numeric_context = set()

        def walk(c):
            if isinstance(c, dict):
                if "context" in c and any(op in c for op in ("lt", "lte", "gt", "gte", "eq")):
                    self.numeric_context.add(c["context"])
                for v in c.values():
                    walk(v)
            elif isinstance(c, list):
                for v in c:
                    walk(v)

        walk(doc)  # every condition, nurture tracks' included

    def points_row(self, points):
        row = np.zeros(len(self.criteria), dtype=np.int64)
        for cid, p in (points or {}).items():
            row[self.crit_index[cid]] = p
        return row

    def points_table(self, items):
        """Points of each option (or band) per criterion, with a row of zeros last for 'none'."""
        table = np.zeros((len(items) + 1, len(self.criteria)), dtype=np.int64)
        for i, item in enumerate(items):
            table[i] = self.points_row(item.get("points"))
        return table


# ---- reading answers -----------------------------------------------------------------------------


class Leads:
    """The leads' answers and context as typed column arrays, plus the rows Ripen would reject."""

    def __init__(self, model, df):
        self.model = model
        self.df = df
        self.n = len(df)
        self.bad = np.zeros(self.n, dtype=bool)
        self.errors = []  # (row, column, message), the first few of each kind
        self.answers = [self.read_question(qi, q) for qi, q in enumerate(model.questions)]
        self.context = {}
        self.source = self.read_source()

    def error(self, mask, column, message):
        """Marks rows as rejected and remembers a few examples."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        rows = np.flatnonzero(mask)
        for r in rows[:3]:
            cell = self.df[column].iat[r]
            self.errors.append((int(r), column, f"{cell!r}: {message}"))
        if len(rows) > 3:
            self.errors.append((int(rows[3]), column, f"... and {len(rows) - 3} more rows: {message}"))

    def column(self, name):
        return self.df[name] if name in self.df.columns else None

    @staticmethod
    def lookup(s, mapping):
        """Series.map with a dict; cells that miss are tried again trimmed of blanks.
        Returns (values as float with NaN for no match, the cells that are blank or empty)."""
        found = s.map(mapping)
        empty = (s == "").to_numpy()
        miss = found.isna().to_numpy() & ~empty
        if miss.any():
            trimmed = s[miss].str.strip(BLANKS)
            found[miss] = trimmed.map(mapping)
            empty[miss] = (trimmed == "").to_numpy()
        return found, empty

    def read_question(self, qi, q):
        s = self.column(q["id"])
        kind = q["type"]
        a = {"type": kind}
        if s is None:  # no column: never answered
            a["given"] = np.zeros(self.n, dtype=bool)
            if kind in ("single", "country"):
                a["opt"] = np.full(self.n, -1, dtype=np.int64)
            return a
        if kind == "single":
            values = {o["value"]: i for i, o in enumerate(q["options"])}
            found, empty = self.lookup(s, values)
            unknown = found.isna().to_numpy() & ~empty
            self.error(unknown, q["id"], f"not an option of \"{q['id']}\"")
            a["opt"] = found.fillna(-1).to_numpy(dtype=np.int64)
            a["given"] = a["opt"] >= 0
        elif kind == "country":
            found, empty = self.lookup(s, COUNTRY_SPELLINGS)
            self.error(found.isna().to_numpy() & ~empty, q["id"], "not an ISO 3166-1 alpha-2 country code")
            a["text"] = found  # upper-case code, NaN when not given
            a["given"] = found.notna().to_numpy()
            options = {o["value"]: i for i, o in enumerate(q.get("options", []))}
            other = options.get("*", -1)
            a["opt"] = found.map(options).fillna(other).to_numpy(dtype=np.int64)
            a["opt"][~a["given"]] = -1
        elif kind == "number":
            self.read_number(q, s, a)
        elif kind == "multiple":
            self.read_multiple(q, s, a)
        elif kind == "email":
            self.read_email(q, s, a)
        else:  # text
            self.read_text(q, s, a)
        return a

    def read_number(self, q, s, a):
        present = (s != "").to_numpy()
        values = pd.to_numeric(s.where(present, None), errors="coerce").astype(float).to_numpy()
        # pandas accepts a few spellings Ripen does not ("inf", "nan", ...): check the grammar
        # of every cell that is not plain digits, trimmed of blanks as Ripen trims it.
        odd = present & ~s.str.isdigit().to_numpy(dtype=bool)
        if odd.any():
            stripped = s[odd].str.strip(BLANKS)
            grammar = stripped.str.fullmatch(DECIMAL_RE).to_numpy(dtype=bool)
            rows = np.flatnonzero(odd)
            values[rows[~grammar]] = np.nan
            present[rows[(stripped == "").to_numpy()]] = False  # blank cells are not answers
        with np.errstate(invalid="ignore"):
            magnitude = np.abs(values)
            too_big = present & ~(magnitude <= UNITS_LIMIT)  # also NaN
            self.error(too_big, q["id"], f"not a number (the answer to \"{q['id']}\")")
            ok = present & ~too_big
            units = units_of(np.where(ok, values, 0.0), s)
        if "min" in q:
            self.error(ok & (units < to_units(q["min"])), q["id"], f"below the minimum {q['min']}")
        if "max" in q:
            self.error(ok & (units > to_units(q["max"])), q["id"], f"above the maximum {q['max']}")
        a["given"] = ok
        a["units"] = units
        bands = q.get("bands", [])
        if bands:
            # A first band without "from" starts at minus infinity.
            froms = np.array([to_units(b["from"]) if "from" in b else np.iinfo(np.int64).min for b in bands],
                             dtype=np.int64)
            band = np.searchsorted(froms, units, side="right") - 1
            a["opt"] = np.where(ok, band, -1)
        else:
            a["opt"] = np.full(self.n, -1, dtype=np.int64)

    def read_multiple(self, q, s, a):
        options = {o["value"]: i for i, o in enumerate(q["options"])}
        present = (s != "").to_numpy()
        parts = s[present].str.split(";").explode()
        idx = parts.map(options)
        miss = idx.isna()
        if miss.any():  # blanks around an option value: trim and try again
            idx[miss] = parts[miss].str.strip(BLANKS).map(options)
            missed = np.unique(parts.index.to_numpy()[idx.isna().to_numpy()])
            blank = (s.iloc[missed].str.strip(BLANKS) == "").to_numpy()
            if blank.any():  # cells of blanks only are not answers
                present[missed[blank]] = False
                keep = ~np.isin(parts.index.to_numpy(), missed[blank])
                parts, idx = parts[keep], idx[keep]
        rows = parts.index.to_numpy()  # original row labels (the default RangeIndex)
        unknown = np.zeros(self.n, dtype=bool)
        unknown[rows[idx.isna().to_numpy()]] = True
        self.error(unknown, q["id"], f"a choice is not an option of \"{q['id']}\" (or is empty)")
        idx = idx.fillna(len(q["options"])).to_numpy(dtype=np.int64)  # unknown -> the zero row
        exploded = pd.DataFrame({"row": rows, "opt": idx})
        bits = np.left_shift(np.uint64(1), exploded["opt"].to_numpy().astype(np.uint64))
        exploded["bit"] = bits
        grouped = exploded.groupby("row", sort=False)
        counts = grouped["opt"].size()
        n_sel = np.zeros(self.n, dtype=np.int64)
        n_sel[counts.index.to_numpy()] = counts.to_numpy()
        mask = np.zeros(self.n, dtype=np.uint64)
        mask[counts.index.to_numpy()] = grouped["bit"].sum().to_numpy()
        # The sum of k distinct bits has k bits set; an option chosen twice carries over.
        self.error((popcount(mask) != n_sel) & ~unknown, q["id"], "an option is chosen twice")
        if q.get("min_select"):
            self.error(present & (n_sel < q["min_select"]), q["id"], f"needs at least {q['min_select']} choices")
        if q.get("max_select"):
            self.error(present & (n_sel > q["max_select"]), q["id"], f"allows at most {q['max_select']} choices")
        a["mask"] = mask
        a["given"] = present
        # Points per criterion: option points looked up per chosen option, summed per row.
        table = self.model.points_table(q["options"])
        a["points"] = np.zeros((self.n, len(self.model.criteria)), dtype=np.int64)
        if table.any():
            per_option = pd.DataFrame(table[idx], columns=self.model.criteria)
            per_option["row"] = rows
            summed = per_option.groupby("row", sort=False).sum()
            a["points"][summed.index.to_numpy()] = summed[self.model.criteria].to_numpy()

    def read_email(self, q, s, a):
        limit = min(q.get("max_length", 254), 254)
        # Valid ASCII addresses in one pass; the domain is the capture group.
        pattern = (rf"[ \t]*(?=[^ \t]{{1,{limit}}}[ \t]*\Z){EMAIL_LOCAL}+@"
                   rf"((?:{EMAIL_LABEL}\.)+{EMAIL_LABEL})[ \t]*")
        domain = s.str.extract(f"^{pattern}\\Z", expand=False)
        present = (s != "").to_numpy()
        retry = present & domain.isna().to_numpy()
        if retry.any():  # blank cells, non-ASCII addresses and invalid ones: check exactly
            domain[retry] = s[retry].map(lambda cell: email_domain(cell.strip(BLANKS), limit))
            present[retry] = (s[retry].str.strip(BLANKS) != "").to_numpy()
        given = domain.notna().to_numpy()
        self.error(present & ~given, q["id"], "not a valid e-mail address")
        a["given"] = given
        a["domain"] = domain  # as written; folded when a condition needs it

    def read_text(self, q, s, a):
        limit = q.get("max_length", 1000)
        present = (s != "").to_numpy()
        text = s[present]  # most text cells are empty: work on the others only
        rows = np.flatnonzero(present)
        edge = text.str.match(r"(?s)[ \t]|.*[ \t]\Z").to_numpy(dtype=bool)
        if edge.any():
            text = text.copy()
            text[edge] = text[edge].str.strip(BLANKS)
            present[rows[(text == "").to_numpy()]] = False
        nchars = text.str.len().to_numpy()
        long = nchars * 4 > limit  # UTF-8: the byte length may exceed the limit
        if long.any():
            nbytes = text[long].str.encode("utf-8").str.len().to_numpy()
            too_long = np.zeros(self.n, dtype=bool)
            too_long[rows[long][nbytes > limit]] = True
            self.error(too_long, q["id"], f"longer than {limit} bytes")
        a["given"] = present
        a["text"] = text.reindex(s.index)  # NaN where not given

    def read_source(self):
        s = self.column("source")
        if s is None:
            return np.full(self.n, -1, dtype=np.int64)
        found, empty = self.lookup(s, self.model.segment_index)
        self.error(found.isna().to_numpy() & ~empty, "source", "not a segment")
        return found.fillna(-1).to_numpy(dtype=np.int64)

    def context_slot(self, key):
        """present, the trimmed lower-case value and, for numeric keys, the value in units."""
        if key in self.context:
            return self.context[key]
        # The source column and question columns are never context.
        s = self.column(key) if key != "source" and key not in self.model.qindex else None
        if s is None:
            slot = {"present": np.zeros(self.n, dtype=bool), "value": pd.Series([""] * self.n, dtype=object),
                    "units": np.zeros(self.n, dtype=np.int64), "numeric": np.zeros(self.n, dtype=bool)}
        else:
            # Context columns hold few distinct values: trim, fold and parse those, then
            # spread the results back to the rows by their codes.
            codes, uniques = pd.factorize(s)
            codes = np.where(codes < 0, len(uniques), codes)
            distinct = pd.Series([fold(u.strip(BLANKS)) for u in uniques] + [""], dtype=object)
            value = pd.Series(distinct.to_numpy()[codes], index=s.index)
            d_present = (distinct != "").to_numpy()
            present = d_present[codes]
            slot = {"present": present, "value": value,
                    "units": np.zeros(self.n, dtype=np.int64), "numeric": np.zeros(self.n, dtype=bool)}
            if key in self.model.numeric_context:
                numbers = pd.to_numeric(distinct.where(d_present, None), errors="coerce").astype(float).to_numpy()
                with np.errstate(invalid="ignore"):
                    d_ok = d_present & (np.abs(numbers) <= UNITS_LIMIT)
                d_ok &= distinct.str.fullmatch(DECIMAL_RE).to_numpy(dtype=bool)
                d_units = units_of(np.where(d_ok, numbers, 0.0), distinct)
                self.error(present & ~d_ok[codes], key, f"not a number (context \"{key}\")")
                slot["units"] = d_units[codes]
                slot["numeric"] = d_ok[codes]
        self.context[key] = slot
        return slot


def email_domain(address, limit):
    """The domain of a valid e-mail address or None; core/src/text_match.cpp, byte for byte."""
    b = address.encode("utf-8", "surrogateescape")
    if len(b) > limit or len(b) > 254:
        return None
    at = b.find(b"@")
    if at <= 0:
        return None
    for c in b[:at]:
        if not (c >= 0x80 or (0x21 <= c < 0x7F and chr(c) not in '"(),:;<>[]\\')):
            return None
    domain = b[at + 1:]
    if b"@" in domain or not domain or len(domain) > 253:
        return None
    label, dotted, previous = 0, False, ord(".")
    for c in domain:
        if c == ord("."):
            if label == 0 or previous == ord("-"):
                return None
            label, dotted = 0, True
        else:
            ok = c >= 0x80 or chr(c).isascii() and (chr(c).isalnum() or c == ord("-"))
            label += 1
            if not ok or (label == 1 and c == ord("-")) or label > 63:
                return None
        previous = c
    if not (dotted and label > 0 and previous != ord("-")):
        return None
    return domain.decode("utf-8", "surrogateescape")


def url_host(url):
    """The host of a URL or a bare host, as core/src/text_match.cpp's url_host."""
    scheme = url.find("://")
    if scheme >= 0:
        url = url[scheme + 3:]
    end = min([i for i in (url.find("/"), url.find("?"), url.find("#")) if i >= 0], default=-1)
    if end >= 0:
        url = url[:end]
    at = url.rfind("@")
    if at >= 0:
        url = url[at + 1:]
    colon = url.find(":")
    if colon >= 0:
        url = url[:colon]
    return url


def in_domains(domain, domains):
    """The domain itself or one of its parent domains is listed."""
    while domain:
        if domain in domains:
            return True
        dot = domain.find(".")
        if dot < 0:
            return False
        domain = domain[dot + 1:]
    return False


def per_distinct(series, func):
    """func applied to each distinct value of a string column, spread back to the rows."""
    codes, uniques = pd.factorize(series)
    results = np.array([bool(func(u)) for u in uniques] + [False])
    return results[codes]  # NaN has code -1: the trailing False


# ---- conditions -----------------------------------------------------------------------------------

COMPARE = {
    "lt": np.less, "lte": np.less_equal, "gt": np.greater, "gte": np.greater_equal, "eq": np.equal,
}


class Scorer:
    """Evaluates a model's conditions over all leads at once; each result is a boolean array."""

    def __init__(self, model, leads):
        self.m = model
        self.L = leads
        self.n = leads.n
        self.visible = {}
        self.signals = {}
        self.points = None  # clamped, per criterion: (n, C)
        self.total = None
        self.segment = None

    def is_visible(self, qi):
        if qi not in self.visible:
            show_if = self.m.questions[qi].get("show_if")
            self.visible[qi] = np.ones(self.n, dtype=bool) if show_if is None else self.eval(show_if)
        return self.visible[qi]

    def eval(self, c):
        if "all" in c:
            return np.logical_and.reduce([self.eval(x) for x in c["all"]])
        if "any" in c:
            return np.logical_or.reduce([self.eval(x) for x in c["any"]])
        if "not" in c:
            return ~self.eval(c["not"])
        if "answer" in c:
            return self.eval_answer(c)
        if "context" in c:
            return self.eval_context(c)
        if "signal" in c:
            s = self.signals[self.m.signal_index[c["signal"]]]
            return s if c.get("is", True) else ~s
        if "criterion" in c:
            op, k = next((op, v) for op, v in c.items() if op != "criterion")
            value = self.total if c["criterion"] == "total" else self.points[:, self.m.crit_index[c["criterion"]]]
            return COMPARE[op](value, k)
        if "segment" in c:
            ids = c["segment"] if isinstance(c["segment"], list) else [c["segment"]]
            return np.isin(self.segment, [self.m.segment_index[i] for i in ids])
        raise ValueError(f"unsupported condition {c}")

    def eval_answer(self, c):
        qi = self.m.qindex[c["answer"]]
        q = self.m.questions[qi]
        a = self.L.answers[qi]
        op, operand = next((op, v) for op, v in c.items() if op != "answer")
        shown = self.is_visible(qi) & a["given"]  # hidden or declined answers match nothing
        if op == "answered":
            return shown if operand else ~shown
        if not shown.any():  # no lead has a shown answer (or there is no such column)
            return shown
        values = operand if isinstance(operand, list) else [operand]
        kind = q["type"]
        if op in ("in", "not_in"):
            if kind == "single":
                hit = np.isin(a["opt"], [i for i, o in enumerate(q["options"]) if o["value"] in values])
            elif kind == "multiple":
                bits = sum(1 << i for i, o in enumerate(q["options"]) if o["value"] in values)
                hit = (a["mask"] & np.uint64(bits)) != 0
            elif kind == "country":
                hit = a["text"].isin({v.upper() for v in values}).to_numpy()
            elif kind == "email":
                wanted = {fold(v) for v in values}
                hit = per_distinct(a["domain"], lambda d: fold(d) in wanted)
            else:  # text
                wanted = {fold(v) for v in values}
                hit = per_distinct(a["text"], lambda t: fold(t) in wanted)
            return shown & (hit if op == "in" else ~hit)
        if op in ("domain_in", "domain_not_in"):
            wanted = {fold(v) for v in values}
            hit = per_distinct(a["domain"], lambda d: in_domains(fold(d), wanted))
            return shown & (hit if op == "domain_in" else ~hit)
        return shown & COMPARE[op](a["units"], to_units(operand))  # number

    def eval_context(self, c):
        key = c["context"]
        op, operand = next((op, v) for op, v in c.items() if op != "context")
        slot = self.L.context_slot(key)
        present = slot["present"]
        if op == "present":
            return present if operand else ~present
        values = operand if isinstance(operand, list) else [operand]
        if op in ("in", "not_in"):
            hit = slot["value"].isin({fold(v) for v in values}).to_numpy()
            return present & (hit if op == "in" else ~hit)
        if op in ("domain_in", "domain_not_in"):
            wanted = {fold(v) for v in values}
            hit = per_distinct(slot["value"], lambda v: in_domains(url_host(v), wanted))
            return present & (hit if op == "domain_in" else ~hit)
        return slot["numeric"] & COMPARE[op](slot["units"], to_units(operand))

    # ---- scoring -------------------------------------------------------------------------------

    def run(self):
        m, L = self.m, self.L
        C = len(m.criteria)
        sums = np.zeros((self.n, C), dtype=np.int64)
        for qi, q in enumerate(m.questions):
            a = L.answers[qi]
            kind = q["type"]
            if kind in ("email", "text"):
                continue
            if kind == "multiple":
                if a["given"].any() and a["points"].any():
                    sums += np.where((self.is_visible(qi) & a["given"])[:, None], a["points"], 0)
                continue
            items = q.get("bands", []) if kind == "number" else q.get("options", [])
            table = m.points_table(items)
            if not table.any():
                continue
            counted = self.is_visible(qi) & a["given"] & (a["opt"] >= 0)
            sums += table[np.where(counted, a["opt"], len(items))]  # the last row is zeros
        for si, s in enumerate(m.signals):  # in model order: a signal may use earlier ones
            self.signals[si] = self.eval(s["when"])
            row = m.points_row(s.get("points"))
            if row.any():
                sums += self.signals[si][:, None] * row
        self.points = np.clip(sums, 0, m.max)
        self.total = self.points @ m.weight

        # Segment: an explicit source wins, else the first segment whose condition holds.
        segment = np.full(self.n, -1, dtype=np.int64)
        for si, seg in enumerate(m.segments):
            holds = np.ones(self.n, dtype=bool) if "when" not in seg else self.eval(seg["when"])
            segment = np.where((segment < 0) & holds, si, segment)
        segment = np.where(segment < 0, 0, segment)
        self.segment = np.where(L.source >= 0, L.source, segment)

        knocked = np.zeros(self.n, dtype=bool)
        gates = np.ones(self.n, dtype=bool)
        for r in m.rules:
            holds = self.eval(r["when"])
            if r["kind"] == "knockout":
                knocked |= holds
            else:
                gates &= holds
        handoff = (self.total >= m.thresholds[self.segment]) & gates
        route = np.where(knocked, "disqualify", np.where(handoff, "handoff", "nurture"))
        mx = m.max_total
        score = (200 * self.total + mx) // (2 * mx) if mx > 0 else np.zeros(self.n, dtype=np.int64)
        segment_ids = np.array([s["id"] for s in m.segments], dtype=object)
        return pd.DataFrame({"total": self.total, "score": score, "route": route,
                             "segment": segment_ids[self.segment]})


# ---- main -------------------------------------------------------------------------------------------


def check(result, path):
    theirs = pd.read_csv(path, dtype=str, keep_default_na=False)
    mine = result.reset_index(drop=True)
    print(f"check: {len(mine)} rows scored here, {len(theirs)} rows in {path}", file=sys.stderr)
    if len(theirs) != len(mine):
        print("check: the row counts differ; cannot compare row by row", file=sys.stderr)
        return False
    differs = {}
    for col in ("total", "route", "segment"):
        differs[col] = (mine[col].astype(str).to_numpy() != theirs[col].to_numpy())
    any_diff = differs["total"] | differs["route"] | differs["segment"]
    print(f"check: {len(mine)} rows compared; differences: total {differs['total'].sum()}, "
          f"route {differs['route'].sum()}, segment {differs['segment'].sum()}", file=sys.stderr)
    for r in np.flatnonzero(any_diff)[:10]:
        print(f"  output row {r + 1} (input row {result.index[r] + 1}): here "
              f"{mine.at[r, 'total']},{mine.at[r, 'route']},{mine.at[r, 'segment']}; ripen "
              f"{theirs.at[r, 'total']},{theirs.at[r, 'route']},{theirs.at[r, 'segment']}", file=sys.stderr)
    return not any_diff.any()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("leads")
    ap.add_argument("--out", help="write total,score,route,segment per lead to this CSV")
    ap.add_argument("--check", help="compare with the output of `ripen score --complete`")
    args = ap.parse_args()

    started = time.perf_counter()
    with open(args.model, encoding="utf-8") as f:
        model = Model(json.load(f))

    t0 = time.perf_counter()
    df = pd.read_csv(args.leads, dtype=str, keep_default_na=False)
    df.columns = [c.strip(BLANKS) for c in df.columns]
    t1 = time.perf_counter()

    leads = Leads(model, df)
    result = Scorer(model, leads).run()
    if leads.bad.any():
        for row, column, message in leads.errors[:20]:
            print(f"data row {row + 1}, column {column}: {message}", file=sys.stderr)
        print(f"{int(leads.bad.sum())} rows rejected (left out, as ripen does)", file=sys.stderr)
        result = result[~leads.bad]
    t2 = time.perf_counter()

    if args.out:
        result.to_csv(args.out, index=False)
    t3 = time.perf_counter()

    mb = os.path.getsize(args.leads) / 1e6
    rows = len(df)
    rate = lambda secs: f"{mb / secs:.1f} MB/s, {rows / secs:,.0f} leads/s" if secs > 0 else "-"
    print(f"read CSV:  {t1 - t0:8.3f} s  ({rate(t1 - t0)})  {mb:.1f} MB, {rows} leads", file=sys.stderr)
    print(f"score:     {t2 - t1:8.3f} s  ({rate(t2 - t1)})", file=sys.stderr)
    if args.out:
        print(f"write:     {t3 - t2:8.3f} s", file=sys.stderr)
    print(f"total:     {t3 - started:8.3f} s  ({rate(t3 - started)})", file=sys.stderr)

    if args.check and not check(result, args.check):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
