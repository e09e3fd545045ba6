"""Random command generator and reply normalizers for the collections differential test
(lists, sets, sorted sets, SORT, blocking pops) — see tests/differential/test_collections.py.

Everything here is deterministic for a given seed. Commands whose reply is random by nature
(SPOP, SRANDMEMBER, ZRANDMEMBER, SSCAN/ZSCAN cursors, SORT BY nosort on a set, set replies)
are reduced to what two correct servers must agree on."""

# ---------------------------------------------------------------------------------------------
# Key space. "zl" is a sorted set whose scores are always 0, so that lex ranges are well defined
# (BYLEX on mixed scores is implementation-defined); it never appears as a destination.
LISTS = ["l0", "l1", "l2"]
SETS = ["s0", "s1", "s2", "s3"]
ZSETS = ["z0", "z1", "z2"]
LEXZ = "zl"
OTHERS = ["str", "h0", "nokey"]
WEIGHT_KEYS = ["w_a", "w_b", "w_c", "w_1", "w_2", "w_3", "w_10"]
WEIGHT_HASHES = ["wh_a", "wh_b", "wh_1", "wh_2"]
ALL_KEYS = LISTS + SETS + ZSETS + [LEXZ] + OTHERS
DST_KEYS = LISTS + SETS + ZSETS + OTHERS
STATE_KEYS = ALL_KEYS + WEIGHT_KEYS + WEIGHT_HASHES

LONG = "m" * 70  # > 64 bytes: forces the non-compact encoding
LIST_VALS = ["a", "b", "c", "d", "1", "2", "3", "10", "-1", "", "2.5", "b"]
SET_STRS = ["a", "b", "c", "d", "e"]
SET_INTS = ["1", "2", "3", "10", "-5", "100", "9223372036854775807", "007", "-0"]
ZMEMBERS = ["a", "b", "c", "d", "e", "f", "1", "2", "aa", "b b", ""]
LEXMEMBERS = ["a", "b", "c", "d", "e", "aa", "ab", "ba", "", "z", "\xff"]
SCORES_OK = ["0", "1", "2", "3", "-1", "1.5", "-2.5", "10", "100", "inf", "-inf", "+inf", "0.1", "1e3",
             "3.14", "-0", "1", "2", "5", "1e-5", "123456789.123456789", "1.7976931348623157e308",
             "0.30000000000000004", "1e21", "-1e-7", "2.5e15", "9007199254740993", "-123.456", "1E2", "+.5"]
# No subnormal scores such as 5e-324: strtod sets errno=ERANGE for them and redis' SORT reads a
# stale errno afterwards ("One or more scores can't be converted" for later valid input).
SCORES_BAD = ["nan", "abc", "", "1e", "0x10", " 1", "1 "]
SCORE_BOUNDS = ["-inf", "+inf", "inf", "0", "1", "(1", "2", "(2", "(2.5", "5", "(5", "-1", "(-inf",
                "(+inf", "10", "1.5", "(0", "-2.5", "100", "(100"]
SCORE_BOUNDS_BAD = ["abc", "(", "((1", "nan", "[1", "", "1e", "(nan"]
LEX_BOUNDS = ["-", "+", "[a", "(a", "[b", "(b", "[c", "(c", "[aa", "(ab", "[z", "[", "(", "[\xff",
              "[d", "(e", "[ba", "(k1", "[k5"]
LEX_BOUNDS_BAD = ["a", "+x", "-a", "", "b"]
INDICES = ["0", "1", "-1", "2", "-2", "3", "5", "-5", "-100", "100", "0", "-1", "1", "-3", "10"]
INDICES_BAD = ["x", "9223372036854775807", "-9223372036854775808", "1.5", "", "+1"]
COUNTS = ["0", "1", "2", "3", "5", "-1", "-3", "x", "100", "1.0", "9223372036854775807"]
TIMEOUTS_SHORT = ["0.01", "0.02", "0.01"]
TIMEOUTS_BAD = ["-1", "-0.5", "abc", "", "inf", "1e400", "nan", "0x1p-6", "-0", "1e-400"]


class Gen:
    """Random collection commands; command() returns a list of string arguments."""

    def __init__(self, rng):
        self.r = rng

    # -- building blocks -----------------------------------------------------------------
    def pick(self, pool, other=0.12):
        """A key from `pool`, or (with probability `other`) any key: WRONGTYPE / missing."""
        return self.r.choice(ALL_KEYS) if self.r.random() < other else self.r.choice(pool)

    def lkey(self):
        return self.pick(LISTS)

    def skey(self):
        return self.pick(SETS)

    def zkey(self):
        return self.pick(ZSETS + [LEXZ] if self.r.random() < 0.85 else ZSETS)

    def zwkey(self):
        """A zset key for writes that may change scores (never zl)."""
        return self.r.choice(DST_KEYS) if self.r.random() < 0.12 else self.r.choice(ZSETS)

    def lexkey(self):
        return self.r.choice(ALL_KEYS) if self.r.random() < 0.1 else LEXZ

    def dst(self, pool):
        return self.r.choice(DST_KEYS) if self.r.random() < 0.04 else self.r.choice(pool)

    def family_pair(self):
        """(src, dst) for RENAME/COPY: mostly within one type so keys keep their type."""
        pool = self.r.choice([LISTS, SETS, ZSETS])
        src = self.r.choice(ALL_KEYS) if self.r.random() < 0.05 else self.r.choice(pool)
        return src, self.dst(pool)

    def lval(self):
        return LONG if self.r.random() < 0.02 else self.r.choice(LIST_VALS)

    def smember(self, key=None):
        if self.r.random() < 0.02:
            return LONG
        if key == "s3" or self.r.random() < 0.45:
            return self.r.choice(SET_INTS)
        return self.r.choice(SET_STRS)

    def zmember(self):
        return LONG if self.r.random() < 0.02 else self.r.choice(ZMEMBERS)

    def score(self):
        return self.r.choice(SCORES_BAD) if self.r.random() < 0.06 else self.r.choice(SCORES_OK)

    def sbounds(self, rev=False):
        """(min, max) score bounds, mostly ordered; `rev` swaps them for ZREV* commands."""
        a, b = (self.r.choice(SCORE_BOUNDS_BAD) if self.r.random() < 0.05 else self.r.choice(SCORE_BOUNDS)
                for _ in range(2))
        if self.r.random() < 0.7 and a not in SCORE_BOUNDS_BAD and b not in SCORE_BOUNDS_BAD:
            a, b = sorted((a, b), key=lambda x: float(x.lstrip("(")))
        return [b, a] if rev else [a, b]

    def lbounds(self, rev=False):
        a, b = (self.r.choice(LEX_BOUNDS_BAD) if self.r.random() < 0.05 else self.r.choice(LEX_BOUNDS)
                for _ in range(2))
        if self.r.random() < 0.7 and a not in LEX_BOUNDS_BAD and b not in LEX_BOUNDS_BAD:
            rank = lambda x: (0, "") if x == "-" else (2, "") if x == "+" else (1, x[1:])  # noqa: E731
            a, b = sorted((a, b), key=rank)
        return [b, a] if rev else [a, b]

    def idx(self):
        return self.r.choice(INDICES_BAD if self.r.random() < 0.05 else INDICES)

    def count(self):
        return self.r.choice(COUNTS)

    def timeout(self):
        x = self.r.random()
        if x < 0.2:
            return self.r.choice(TIMEOUTS_BAD)
        if x < 0.35:
            return "0"  # only sent when data is present (see the runner)
        return self.r.choice(TIMEOUTS_SHORT)

    def numkeys_and_keys(self, keyfn, lo=1, hi=3):
        keys = [keyfn() for _ in range(self.r.randint(lo, hi))]
        x = self.r.random()
        if x < 0.05:
            n = self.r.choice(["0", "-1", "x"])
        elif x < 0.09:
            n = str(len(keys) + 1)
        elif x < 0.11 and len(keys) > 1:
            n = str(len(keys) - 1)  # extra key becomes a (bad) option
        else:
            n = str(len(keys))
        return [n] + keys

    def some(self, fn, lo=1, hi=3):
        return [fn() for _ in range(self.r.randint(lo, hi))]

    # -- lists ---------------------------------------------------------------------------
    def lpos(self):
        args = ["LPOS", self.lkey(), self.lval()]
        for _ in range(self.r.choice([0, 0, 1, 2, 3])):
            opt = self.r.choice(["RANK", "COUNT", "MAXLEN", "rank", "BAD"])
            args.append(opt)
            if opt.upper() == "RANK":
                args.append(self.r.choice(["1", "-1", "2", "-2", "0", "x", "-9223372036854775808"]))
            elif opt.upper() == "COUNT":
                args.append(self.r.choice(["0", "1", "2", "x", "-1"]))
            elif opt.upper() == "MAXLEN":
                args.append(self.r.choice(["0", "1", "3", "-1", "x"]))
        return args

    def where(self):
        return self.r.choice(["LEFT", "RIGHT", "left", "RIGHT", "UP"] if self.r.random() < 0.1 else ["LEFT", "RIGHT"])

    def lmpop(self, blocking):
        args = ["BLMPOP", self.timeout()] if blocking else ["LMPOP"]
        args += self.numkeys_and_keys(self.lkey)
        args.append(self.r.choice(["LEFT", "RIGHT", "left"]) if self.r.random() < 0.95 else "MIDDLE")
        if self.r.random() < 0.4:
            args += ["COUNT", self.r.choice(["1", "2", "5", "0", "-1", "x"])]
            if self.r.random() < 0.05:
                args += ["COUNT", "1"]
        return args

    def zmpop(self, blocking):
        args = ["BZMPOP", self.timeout()] if blocking else ["ZMPOP"]
        args += self.numkeys_and_keys(self.zwkey)
        args.append(self.r.choice(["MIN", "MAX", "min"]) if self.r.random() < 0.95 else "MID")
        if self.r.random() < 0.4:
            args += ["COUNT", self.r.choice(["1", "2", "5", "0", "-1", "x"])]
        return args

    # -- sorted sets ---------------------------------------------------------------------
    def zadd(self):
        key = self.zwkey() if self.r.random() < 0.8 else LEXZ
        args = ["ZADD", key]
        for _ in range(self.r.choice([0, 0, 0, 0, 0, 1, 1, 2, 3])):
            args.append(self.r.choice(["NX", "XX", "GT", "LT", "CH", "INCR", "ch", "nx"]))
        n = 1 if "INCR" in args and self.r.random() < 0.8 else self.r.choice([1, 1, 2, 3, 4, 6])
        for _ in range(n):
            s = "0" if key == LEXZ else self.score()
            args += [s, self.r.choice(LEXMEMBERS) if key == LEXZ else self.zmember()]
        if self.r.random() < 0.04:
            args.append(self.zmember())  # odd pair count
        if self.r.random() < 0.03:
            args = args[:2]
        return args

    def zrange_opts(self, mode):
        """Option groups for ZRANGE/ZRANGESTORE (shuffled as groups: any order is legal)."""
        opts = [[mode]] if mode else []
        if self.r.random() < 0.3:
            opts.append(["REV"])
        if self.r.random() < (0.3 if mode else 0.04):
            opts.append(["LIMIT", self.r.choice(["0", "1", "2", "-1"]), self.r.choice(["1", "2", "-1", "0", "5", "x"])])
        if mode != "BYLEX" and self.r.random() < 0.4:
            opts.append(["WITHSCORES"])
        if mode == "BYLEX" and self.r.random() < 0.05:
            opts.append(["WITHSCORES"])  # syntax error
        if self.r.random() < 0.4:
            self.r.shuffle(opts)
        return opts

    def zrange(self, store):
        mode = self.r.choice(["", "", "BYSCORE", "BYLEX", "BYSCORE"])
        if mode == "BYLEX":
            key = self.lexkey()
            a, b = self.lbounds()
        elif mode == "BYSCORE":
            key = self.zkey()
            a, b = self.sbounds()
        else:
            key = self.zkey()
            a, b = self.idx(), self.idx()
        head = ["ZRANGESTORE", self.dst(ZSETS), key] if store else ["ZRANGE", key]
        opts = self.zrange_opts(mode)
        if store and self.r.random() < 0.9:
            opts = [o for o in opts if o != ["WITHSCORES"]]
        if mode and ["REV"] in opts and self.r.random() < 0.85:
            a, b = b, a
        if self.r.random() < 0.02:
            opts.append([self.r.choice(["BYSCORE", "BYLEX", "BOGUS"])])
        return head + [a, b] + [x for o in opts for x in o]

    def zrangebyscore(self, rev):
        args = ["ZREVRANGEBYSCORE" if rev else "ZRANGEBYSCORE", self.zkey()] + self.sbounds(rev)
        if self.r.random() < 0.4:
            args.append("WITHSCORES")
        if self.r.random() < 0.3:
            args += ["LIMIT", self.r.choice(["0", "1", "-1", "2"]), self.r.choice(["1", "2", "-1", "0", "x"])]
        return args

    def zrangebylex(self, rev):
        args = ["ZREVRANGEBYLEX" if rev else "ZRANGEBYLEX", self.lexkey()] + self.lbounds(rev)
        if self.r.random() < 0.3:
            args += ["LIMIT", self.r.choice(["0", "1", "-1", "2"]), self.r.choice(["1", "2", "-1", "0", "x"])]
        return args

    def zsetop(self):
        name = self.r.choice(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
        src = lambda: self.r.choice(SETS) if self.r.random() < 0.2 else self.zkey()  # noqa: E731
        nk = self.numkeys_and_keys(src)
        args = [name] + ([self.dst(ZSETS)] if name.endswith("STORE") else []) + nk
        keys = len(nk) - 1
        if self.r.random() < 0.35:
            n = keys if self.r.random() < 0.85 else keys + self.r.choice([-1, 1])
            args += ["WEIGHTS"] + [self.r.choice(["1", "2", "0", "-1", "0.5", "inf", "-inf", "x", "3"])
                                   for _ in range(max(n, 0))]
        if self.r.random() < 0.35:
            args += ["AGGREGATE", self.r.choice(["SUM", "MIN", "MAX", "sum", "AVG"])]
        if not name.endswith("STORE") and self.r.random() < 0.45:
            args.append("WITHSCORES")
        if name.endswith("STORE") and self.r.random() < 0.04:
            args.append("WITHSCORES")
        return args

    def zintercard(self):
        args = ["ZINTERCARD"] + self.numkeys_and_keys(self.zkey)
        if self.r.random() < 0.4:
            args += ["LIMIT", self.r.choice(["0", "1", "2", "-1", "x"])]
        return args

    def zrandmember(self):
        args = ["ZRANDMEMBER", self.zkey()]
        if self.r.random() < 0.7:
            args.append(self.r.choice(["0", "1", "2", "3", "-2", "-5", "10", "x", "-1"]))
            if self.r.random() < 0.4:
                args.append(self.r.choice(["WITHSCORES", "WITHSCORES", "withscores", "BAD"]))
        return args

    # -- sets ----------------------------------------------------------------------------
    def spop(self, name):
        key = self.skey()
        args = [name, key]
        if self.r.random() < 0.6:
            args.append(self.r.choice(["0", "1", "2", "3", "-1", "-3", "x", "10", "100"] if name == "SRANDMEMBER"
                                      else ["0", "1", "2", "3", "-1", "x", "10", "100"]))
        return args

    def sintercard(self):
        args = ["SINTERCARD"] + self.numkeys_and_keys(self.skey)
        if self.r.random() < 0.4:
            args += ["LIMIT", self.r.choice(["0", "1", "2", "-1", "x"])]
        return args

    def scan_all(self, name, key):
        args = [name, key]
        if self.r.random() < 0.4:
            args += ["MATCH", self.r.choice(["*", "a*", "1*", "[ab]*", "?", "*0*", "b b"])]
        if self.r.random() < 0.4:
            args += ["COUNT", self.r.choice(["1", "2", "10", "100", "0", "x"])]
        return args

    # -- SORT ----------------------------------------------------------------------------
    def sort(self):
        ro = self.r.random() < 0.2
        key = self.r.choice(LISTS + SETS + ZSETS + [LEXZ] + (OTHERS if self.r.random() < 0.2 else []))
        args = ["SORT_RO" if ro else "SORT", key]
        opts = []
        if self.r.random() < 0.4:
            opts.append(["BY", self.r.choice(["nosort", "w_*", "wh_*->f", "w_*", "nosort", "const", "wh_*->g",
                                             "*", "w_*->f"])])
        for _ in range(self.r.choice([0, 0, 1, 1, 2, 3])):
            opts.append(["GET", self.r.choice(["#", "w_*", "wh_*->f", "#", "nokey_*", "wh_*->"])])
        if self.r.random() < 0.3:
            opts.append(["LIMIT", self.r.choice(["0", "1", "2", "-1", "x"]), self.r.choice(["1", "2", "5", "-1", "0"])])
        if self.r.random() < 0.4:
            opts.append([self.r.choice(["ASC", "DESC", "desc"])])
        if self.r.random() < 0.5:
            opts.append(["ALPHA"])
        if not ro and self.r.random() < 0.25:
            opts.append(["STORE", self.dst(LISTS)])
        if ro and self.r.random() < 0.05:
            opts.append(["STORE", self.dst(LISTS)])
        if self.r.random() < 0.03:
            opts.append(["BOGUS"])
        if self.r.random() < 0.3:
            self.r.shuffle(opts)
        # ALPHA + BY <pattern>: ties keep the (unstable) sort's order, so a stored result would
        # differ between correct servers; replies are compared as multisets instead.
        by = [o for o in opts if o[0] == "BY"]
        if ["ALPHA"] in opts and by and "*" in by[-1][1]:
            opts = [o for o in opts if o[0] != "STORE"]
        return args + [a for o in opts for a in o]

    # -- bulk fills (large encodings) ----------------------------------------------------
    def bulk(self):
        x = self.r.randint(0, 5)
        if x == 0:
            return ["RPUSH", self.r.choice(LISTS)] + [self.r.choice(LIST_VALS) for _ in range(self.r.choice([20, 130, 200]))]
        if x == 1:
            return ["SADD", self.r.choice(SETS)] + [str(self.r.randint(-1000, 1000)) for _ in range(self.r.choice([100, 600]))]
        if x == 2:
            return ["SADD", self.r.choice(SETS)] + [f"m{self.r.randint(0, 300)}" for _ in range(self.r.choice([50, 140]))]
        if x == 3:
            return ["ZADD", self.r.choice(ZSETS)] + [a for _ in range(self.r.choice([30, 140]))
                                                    for a in (str(self.r.randint(-50, 50)), f"m{self.r.randint(0, 300)}")]
        if x == 4:
            return ["ZADD", LEXZ] + [a for _ in range(self.r.choice([20, 140])) for a in ("0", f"k{self.r.randint(0, 300)}")]
        return [self.r.choice(["RPUSH", "SADD"]), self.r.choice(LISTS + SETS), LONG + str(self.r.randint(0, 9))]

    # -- a blocked client woken by a write from another connection -----------------------
    def wake(self):
        """["WAKE", <blocking command...>, "|", <waking write...>] on the fresh keys wk_*."""
        kind = self.r.choice(["BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP"])
        t = "3"
        keys = ["wk_l"] if self.r.random() < 0.6 else ["wk_x", "wk_l"]
        if kind in ("BLPOP", "BRPOP"):
            block = [kind, *keys, t]
        elif kind == "BLMOVE":
            block = [kind, "wk_l", self.r.choice(["wk_d", "wk_l"]), self.where(), self.where(), t]
        elif kind == "BRPOPLPUSH":
            block = [kind, "wk_l", self.r.choice(["wk_d", "wk_l"]), t]
        elif kind == "BLMPOP":
            block = [kind, t, str(len(keys)), *keys, self.r.choice(["LEFT", "RIGHT"])]
            block += ["COUNT", self.r.choice(["1", "2", "5"])] if self.r.random() < 0.5 else []
        elif kind in ("BZPOPMIN", "BZPOPMAX"):
            block = [kind, *[k.replace("_l", "_z") for k in keys], t]
        else:
            block = [kind, t, str(len(keys)), *[k.replace("_l", "_z") for k in keys], self.r.choice(["MIN", "MAX"])]
            block += ["COUNT", self.r.choice(["1", "2", "5"])] if self.r.random() < 0.5 else []
        if kind.startswith("BZ"):
            push = ["ZADD", "wk_z", "1", "a", "2", "b", "-1", "c"][:self.r.choice([4, 8])]
        else:
            push = [self.r.choice(["LPUSH", "RPUSH"]), "wk_l"] + self.some(self.lval, 1, 3)
        return ["WAKE", *block, "|", *push]

    # -- the mix -------------------------------------------------------------------------
    def command(self):
        r = self.r
        choices = [
            # lists
            (6, lambda: [r.choice(["LPUSH", "RPUSH"]), self.lkey()] + self.some(self.lval, 1, 4)),
            (0.3, lambda: [r.choice(["LPUSH", "RPUSH"]), self.lkey()]),
            (2, lambda: [r.choice(["LPUSHX", "RPUSHX"]), self.lkey()] + self.some(self.lval, 1, 2)),
            (4, lambda: [r.choice(["LPOP", "RPOP"]), self.lkey()] + ([self.count()] if r.random() < 0.4 else [])),
            (2, lambda: ["LLEN", self.lkey()]),
            (5, lambda: ["LRANGE", self.lkey(), self.idx(), self.idx()]),
            (2, lambda: ["LINDEX", self.lkey(), self.idx()]),
            (2, lambda: ["LSET", self.lkey(), self.idx(), self.lval()]),
            (2, lambda: ["LREM", self.lkey(), r.choice(["0", "1", "-1", "2", "-2", "x", "5"]), self.lval()]),
            (1.5, lambda: ["LTRIM", self.lkey(), self.idx(), self.idx()]),
            (2, lambda: ["LINSERT", self.lkey(), r.choice(["BEFORE", "AFTER", "after", "MIDDLE"]), self.lval(), self.lval()]),
            (3, self.lpos),
            (2, lambda: ["LMOVE", self.lkey(), self.dst(LISTS), self.where(), self.where()]),
            (1, lambda: ["RPOPLPUSH", self.lkey(), self.dst(LISTS)]),
            (2, lambda: self.lmpop(False)),
            # blocking
            (1.2, lambda: [r.choice(["BLPOP", "BRPOP"])] + self.some(self.lkey, 1, 3) + [self.timeout()]),
            (0.6, lambda: ["BLMOVE", self.lkey(), self.dst(LISTS), self.where(), self.where(), self.timeout()]),
            (0.4, lambda: ["BRPOPLPUSH", self.lkey(), self.dst(LISTS), self.timeout()]),
            (0.6, lambda: self.lmpop(True)),
            (0.8, lambda: [r.choice(["BZPOPMIN", "BZPOPMAX"])] + self.some(self.zwkey, 1, 3) + [self.timeout()]),
            (0.6, lambda: self.zmpop(True)),
            # sets
            (7, lambda: ["SADD", (k := self.skey())] + self.some(lambda: self.smember(k), 1, 4)),
            (3, lambda: ["SREM", (k := self.skey())] + self.some(lambda: self.smember(k), 1, 3)),
            (3, lambda: ["SMEMBERS", self.skey()]),
            (2, lambda: ["SISMEMBER", self.skey(), self.smember()]),
            (2, lambda: ["SMISMEMBER", self.skey()] + self.some(self.smember, 1, 3)),
            (2, lambda: ["SCARD", self.skey()]),
            (2.5, lambda: self.spop("SPOP")),
            (2.5, lambda: self.spop("SRANDMEMBER")),
            (2, lambda: ["SMOVE", self.skey(), self.dst(SETS), self.smember()]),
            (4, lambda: [r.choice(["SINTER", "SUNION", "SDIFF"])] + self.some(self.skey, 1, 3)),
            (1.5, self.sintercard),
            (3, lambda: [r.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), self.dst(SETS)] + self.some(self.skey, 1, 3)),
            (1.5, lambda: self.scan_all("SSCAN_ALL", self.skey())),
            # sorted sets
            (8, self.zadd),
            (2, lambda: ["ZINCRBY", self.zwkey(), self.score(), self.zmember()]),
            (2, lambda: ["ZSCORE", self.zkey(), self.zmember()]),
            (1.5, lambda: ["ZMSCORE", self.zkey()] + self.some(self.zmember, 1, 3)),
            (1.5, lambda: ["ZCARD", self.zkey()]),
            (2, lambda: ["ZCOUNT", self.zkey(), *self.sbounds()]),
            (2, lambda: ["ZLEXCOUNT", self.lexkey(), *self.lbounds()]),
            (7, lambda: self.zrange(False)),
            (1.2, lambda: self.zrange(True)),
            (2, lambda: ["ZREVRANGE", self.zkey(), self.idx(), self.idx()] + (["WITHSCORES"] if r.random() < 0.4 else [])),
            (2, lambda: self.zrangebyscore(False)),
            (1.5, lambda: self.zrangebyscore(True)),
            (2, lambda: self.zrangebylex(False)),
            (1.5, lambda: self.zrangebylex(True)),
            # No WITHSCORE: it is Redis 7.2 syntax that 7.0 (the oracle) rejects and corokv
            # accepts; tests/unit/test_zsets.cpp covers it.
            (2.5, lambda: [r.choice(["ZRANK", "ZREVRANK"]), self.zkey(), self.zmember()]),
            (2.5, lambda: ["ZREM", (k := self.zkey())] + (self.some(lambda: r.choice(LEXMEMBERS), 1, 3) if k == LEXZ
                                                            else self.some(self.zmember, 1, 3))),
            (1, lambda: ["ZREMRANGEBYRANK", self.zkey(), self.idx(), self.idx()]),
            (1, lambda: ["ZREMRANGEBYSCORE", self.zkey(), *self.sbounds()]),
            (1, lambda: ["ZREMRANGEBYLEX", self.lexkey(), *self.lbounds()]),
            (3, lambda: [r.choice(["ZPOPMIN", "ZPOPMAX"]), self.zkey()] + ([self.count()] if r.random() < 0.5 else [])),
            (2, lambda: self.zmpop(False)),
            (2.5, self.zrandmember),
            (6, self.zsetop),
            (1.5, self.zintercard),
            (1.5, lambda: self.scan_all("ZSCAN_ALL", self.zkey())),
            # SORT
            (6, self.sort),
            (0.6, lambda: ["SET", r.choice(WEIGHT_KEYS), r.choice(["1", "2", "3", "-1", "10", "1.5", "x", "0"])]),
            (0.6, lambda: ["HSET", r.choice(WEIGHT_HASHES), "f", r.choice(["1", "2", "3", "-1", "10", "1.5", "x", "0"])]),
            # generic / cross-type
            (2, lambda: ["TYPE", r.choice(ALL_KEYS)]),
            (3, lambda: ["OBJECT", "ENCODING", r.choice(ALL_KEYS)]),
            (2, lambda: ["EXISTS"] + self.some(lambda: r.choice(ALL_KEYS), 1, 3)),
            (1.2, lambda: [r.choice(["DEL", "UNLINK"])] + self.some(lambda: r.choice(ALL_KEYS), 1, 2)),
            (1, lambda: [r.choice(["RENAME", "RENAMENX"]), *self.family_pair()]),
            (1, lambda: ["COPY", *self.family_pair()] + r.choice([[], ["REPLACE"], []])),
            (1, lambda: ["EXPIRE", r.choice(ALL_KEYS), r.choice(["100", "1000", "-1", "0"])]),
            (1, lambda: [r.choice(["TTL", "PERSIST"]), r.choice(ALL_KEYS)]),
            (0.5, lambda: ["SHORTTTL", r.choice(ALL_KEYS)]),
            (1.5, lambda: ["SET", "str", r.choice(["1", "abc", "5"])]),
            (0.7, lambda: ["HSET", "h0", r.choice(["a", "b"]), r.choice(["1", "x"])]),
            (0.5, lambda: ["GET", r.choice(ALL_KEYS)]),
            (1, self.bulk),
            (0.5, self.wake),
        ]
        total = sum(w for w, _ in choices)
        pick = r.uniform(0, total)
        for weight, make in choices:
            pick -= weight
            if pick <= 0:
                return make()
        return choices[0][1]()


# ---------------------------------------------------------------------------------------------
# RESP2/RESP3 parsing into typed trees: (type char, value); arrays/sets/maps hold lists.

def parse_typed(raw):
    value, rest = _parse(raw)
    if rest:
        raise ValueError(f"trailing bytes: {rest!r}")
    return value


def _parse(raw):
    line, rest = raw.split(b"\r\n", 1)
    kind, body = chr(line[0]), line[1:]
    if kind in "+-:_,#(":
        return (kind, body), rest
    if kind in "$=!":
        n = int(body)
        if n < 0:
            return (kind, None), rest
        return (kind, rest[:n]), rest[n + 2:]
    if kind in "*~>%|":
        n = int(body)
        if n < 0:
            return (kind, None), rest
        if kind in "%|":
            n *= 2
        items = []
        for _ in range(n):
            item, rest = _parse(rest)
            items.append(item)
        return (kind, items), rest
    raise ValueError(f"unexpected reply: {line!r}")


def is_error(raw):
    return raw.startswith(b"-")


def is_nil(tree):
    return tree[0] == "_" or tree[1] is None


def scalar(tree):
    """The bytes of a bulk/simple/double leaf."""
    return tree[1]


def to_float(b):
    s = b.decode() if isinstance(b, bytes) else b
    return float(s)


def reply_kind(raw):
    """A short label for histograms: '+OK', ':', '$', 'nil', '*0', '*n', '~n', '-ERR syntax...'."""
    if raw.startswith(b"-"):
        return raw[:48].rstrip(b"\r\n").decode(errors="replace")
    t = parse_typed(raw)
    if is_nil(t):
        return "nil"
    if t[0] in "*~%":
        return f"{t[0]}{'0' if not t[1] else 'n'}"
    return t[0]


def key_state(call, key):
    """(type, content) of a key, comparable across servers (content normalized)."""
    t = call("TYPE", key)
    kind = parse_typed(t)[1]
    if kind in (b"none",):
        return ("none",)
    if kind == b"string":
        return ("string", call("GET", key))
    if kind == b"list":
        return ("list", call("LRANGE", key, "0", "-1"))
    if kind == b"set":
        return ("set", tuple(sorted(x[1] for x in parse_typed(call("SMEMBERS", key))[1])))
    if kind == b"zset":
        return ("zset", call("ZRANGE", key, "0", "-1", "WITHSCORES"))
    if kind == b"hash":
        items = parse_typed(call("HGETALL", key))[1]
        return ("hash", tuple(sorted(zip([x[1] for x in items[0::2]], [x[1] for x in items[1::2]]))))
    return ("other", kind)


def rebuild_key(call, key, state, pttl):
    """Rewrites `key` on one server to `state` (from key_state on the other)."""
    call("DEL", key)
    kind = state[0]
    if kind == "string":
        call("SET", key, parse_typed(state[1])[1])
    elif kind == "list":
        items = [x[1] for x in parse_typed(state[1])[1]]
        if items:
            call("RPUSH", key, *items)
    elif kind == "set":
        if state[1]:
            call("SADD", key, *state[1])
    elif kind == "zset":
        tree = parse_typed(state[1])[1]
        pairs = []
        if tree and tree[0][0] == "*":  # RESP3: [[member, score], ...]
            for m, s in (x[1] for x in tree):
                pairs += [s[1], m[1]]
        else:
            for i in range(0, len(tree), 2):
                pairs += [tree[i + 1][1], tree[i][1]]
        if pairs:
            call("ZADD", key, *pairs)
    elif kind == "hash":
        flat = [x for kv in state[1] for x in kv]
        if flat:
            call("HSET", key, *flat)
    if kind != "none" and pttl > 0:
        call("PEXPIRE", key, str(pttl))
