// Generic key commands (Redis's db.c and expire.c). Expected replies were recorded from
// Redis 7.0.15; time-dependent cases run commands at chosen clock readings (run_at) instead
// of sleeping, and order-free replies (KEYS, SCAN) are compared as sets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

TEST_CASE("keys: DEL and UNLINK count the keys they removed") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SET", "b", "2"}) == ok());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"DEL", "a", "b", "c"}) == integer(2));
    CHECK(h.run({"DEL", "a"}) == integer(0));
    CHECK(h.run({"UNLINK", "h", "x"}) == integer(1));
    CHECK(h.run({"EXISTS", "h"}) == integer(0));
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"DEL", "a", "a"}) == integer(1));
    CHECK(h.run({"DEL"}) == arity_error("del"));
    CHECK(h.run({"UNLINK"}) == arity_error("unlink"));
}

TEST_CASE("keys: EXISTS counts repeated keys each time") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"EXISTS", "a", "a", "a", "b"}) == integer(3));
    CHECK(h.run({"EXISTS", "b"}) == integer(0));
    CHECK(h.run({"EXISTS"}) == arity_error("exists"));
    CHECK(h.run({"SET", "b", ""}) == ok());
    CHECK(h.run({"EXISTS", "b"}) == integer(1));
}

TEST_CASE("keys: TYPE") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"TYPE", "a"}) == simple("string"));
    CHECK(h.run({"TYPE", "h"}) == simple("hash"));
    CHECK(h.run({"TYPE", "nope"}) == simple("none"));
    CHECK(h.run({"TYPE"}) == arity_error("type"));
    CHECK(h.run({"TYPE", "a", "b"}) == arity_error("type"));
}

TEST_CASE("keys: TOUCH counts existing keys") {
    Harness h;
    CHECK(h.run({"SET", "k1", "1"}) == ok());
    CHECK(h.run({"HSET", "k2", "f", "v"}) == integer(1));
    CHECK(h.run({"TOUCH", "k1", "k2", "nope", "k1"}) == integer(3));
    CHECK(h.run({"TOUCH", "nope"}) == integer(0));
    CHECK(h.run({"TOUCH"}) == arity_error("touch"));
}

TEST_CASE("keys: RENAME moves value and TTL") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"RENAME", "nope", "x"}) == err("ERR no such key"));
    CHECK(h.run({"RENAME", "nope", "nope"}) == err("ERR no such key"));
    CHECK(h.run({"RENAME", "a", "a"}) == ok());
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"RENAME", "a", "a2"}) == ok());
    CHECK(h.run({"GET", "a2"}) == bulk("1"));
    CHECK(h.run({"EXISTS", "a"}) == integer(0));
    CHECK(h.run({"SET", "t", "v", "EX", "100"}) == ok());
    CHECK(h.run({"RENAME", "t", "t2"}) == ok());
    CHECK(h.run({"TTL", "t2"}) == integer(100));
    CHECK(h.run({"EXISTS", "t"}) == integer(0));
    CHECK(h.run({"SET", "dst", "old", "EX", "100"}) == ok());
    CHECK(h.run({"RENAME", "t2", "dst"}) == ok());
    CHECK(h.run({"GET", "dst"}) == bulk("v"));
    CHECK(h.run({"TTL", "dst"}) == integer(100));
    CHECK(h.run({"SET", "plain", "v"}) == ok());
    CHECK(h.run({"RENAME", "plain", "dst"}) == ok());
    CHECK(h.run({"TTL", "dst"}) == integer(-1));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"RENAME", "h", "dst"}) == ok());
    CHECK(h.run({"TYPE", "dst"}) == simple("hash"));
    CHECK(h.run({"HGET", "dst", "f"}) == bulk("v"));
    CHECK(h.run({"RENAME", "a"}) == arity_error("rename"));
    CHECK(h.run({"RENAME", "a", "b", "c"}) == arity_error("rename"));
}

TEST_CASE("keys: RENAMENX only renames onto a free name") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SET", "b", "2"}) == ok());
    CHECK(h.run({"RENAMENX", "a", "a"}) == integer(0));
    CHECK(h.run({"RENAMENX", "nope", "x"}) == err("ERR no such key"));
    CHECK(h.run({"RENAMENX", "a", "b"}) == integer(0));
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"RENAMENX", "a", "c"}) == integer(1));
    CHECK(h.run({"GET", "c"}) == bulk("1"));
    CHECK(h.run({"EXISTS", "a"}) == integer(0));
    CHECK(h.run({"SET", "t", "v", "EX", "100"}) == ok());
    CHECK(h.run({"RENAMENX", "t", "t2"}) == integer(1));
    CHECK(h.run({"TTL", "t2"}) == integer(100));
}

TEST_CASE("keys: COPY duplicates values and TTLs") {
    Harness h;
    CHECK(h.run({"SET", "a", "v", "EX", "100"}) == ok());
    CHECK(h.run({"COPY", "a", "b"}) == integer(1));
    CHECK(h.run({"GET", "b"}) == bulk("v"));
    CHECK(h.run({"TTL", "b"}) == integer(100));
    CHECK(h.run({"COPY", "a", "b"}) == integer(0));
    CHECK(h.run({"COPY", "a", "b", "REPLACE"}) == integer(1));
    CHECK(h.run({"COPY", "nope", "x"}) == integer(0));
    CHECK(h.run({"EXISTS", "x"}) == integer(0));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"COPY", "h", "hc"}) == integer(1));
    CHECK(h.run({"HSET", "hc", "f2", "v2"}) == integer(1));
    CHECK(h.run({"HLEN", "h"}) == integer(1));
    CHECK(h.run({"HLEN", "hc"}) == integer(2));
    CHECK(h.run({"SET", "plain", "p"}) == ok());
    CHECK(h.run({"COPY", "plain", "b", "REPLACE"}) == integer(1));
    CHECK(h.run({"TTL", "b"}) == integer(-1));
    CHECK(h.run({"GET", "b"}) == bulk("p"));
    CHECK(h.run({"COPY", "a", "b", "replace", "REPLACE"}) == integer(1));
}

TEST_CASE("keys: COPY to another database") {
    Harness h;
    CHECK(h.run({"SET", "a", "v", "EX", "100"}) == ok());
    CHECK(h.run({"COPY", "a", "a", "DB", "1"}) == integer(1));
    CHECK(h.run({"SELECT", "1"}) == ok());
    CHECK(h.run({"GET", "a"}) == bulk("v"));
    CHECK(h.run({"TTL", "a"}) == integer(100));
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"COPY", "a", "a", "DB", "1"}) == integer(0));
    CHECK(h.run({"COPY", "a", "a", "DB", "1", "REPLACE"}) == integer(1));
    CHECK(h.run({"COPY", "a", "x", "DB", "15"}) == integer(1));
    CHECK(h.run({"SELECT", "15"}) == ok());
    CHECK(h.run({"GET", "x"}) == bulk("v"));
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"EXISTS", "x"}) == integer(0));
}

TEST_CASE("keys: COPY errors") {
    Harness h;
    CHECK(h.run({"SET", "a", "v"}) == ok());
    CHECK(h.run({"COPY", "a", "a"}) == err("ERR source and destination objects are the same"));
    CHECK(h.run({"COPY", "a", "a", "DB", "0"}) ==
          err("ERR source and destination objects are the same"));
    CHECK(h.run({"COPY", "nope", "nope"}) ==
          err("ERR source and destination objects are the same"));
    CHECK(h.run({"COPY", "a", "x", "DB", "16"}) == err("ERR DB index is out of range"));
    CHECK(h.run({"COPY", "a", "x", "DB", "-1"}) == err("ERR DB index is out of range"));
    CHECK(h.run({"COPY", "a", "x", "DB", "abc"}) == not_integer());
    CHECK(h.run({"COPY", "a", "x", "DB", "2147483648"}) ==
          err("ERR value is out of range, value must between -2147483648 and 2147483647"));
    CHECK(h.run({"COPY", "a", "x", "DB"}) == syntax_error());
    CHECK(h.run({"COPY", "a", "x", "foo"}) == syntax_error());
    CHECK(h.run({"COPY", "a", "x", "REPLACE", "foo"}) == syntax_error());
    CHECK(h.run({"COPY", "a"}) == arity_error("copy"));
}

TEST_CASE("keys: EXPIRE, PEXPIRE and TTL, PTTL") {
    Harness h;
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "k", "100"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"PEXPIRE", "k", "200000"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(200));
    CHECK(h.run({"EXPIRE", "nope", "10"}) == integer(0));
    CHECK(h.run({"TTL", "nope"}) == integer(-2));
    CHECK(h.run({"PTTL", "nope"}) == integer(-2));
    CHECK(h.run({"SET", "p", "v"}) == ok());
    CHECK(h.run({"TTL", "p"}) == integer(-1));
    CHECK(h.run({"PTTL", "p"}) == integer(-1));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"EXPIRE", "h", "100"}) == integer(1));
    CHECK(h.run({"TTL", "h"}) == integer(100));
}

TEST_CASE("keys: EXPIRE NX, XX, GT and LT") {
    Harness h;
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "k", "100", "XX"}) == integer(0));
    CHECK(h.run({"EXPIRE", "k", "100", "GT"}) == integer(0));
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    CHECK(h.run({"EXPIRE", "k", "100", "LT"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"EXPIRE", "k", "200", "NX"}) == integer(0));
    CHECK(h.run({"EXPIRE", "k", "200", "XX"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(200));
    CHECK(h.run({"EXPIRE", "k", "50", "GT"}) == integer(0));
    CHECK(h.run({"EXPIRE", "k", "300", "GT"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(300));
    CHECK(h.run({"EXPIRE", "k", "400", "LT"}) == integer(0));
    CHECK(h.run({"EXPIRE", "k", "50", "LT"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(50));
    CHECK(h.run({"EXPIRE", "k", "10", "XX", "GT"}) == integer(0));
    CHECK(h.run({"TTL", "k"}) == integer(50));
    CHECK(h.run({"EXPIRE", "k", "500", "xx", "gt"}) == integer(1));
    CHECK(h.run({"TTL", "k"}) == integer(500));
    CHECK(h.run({"SET", "p", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "p", "100", "NX"}) == integer(1));
    CHECK(h.run({"TTL", "p"}) == integer(100));
    CHECK(h.run({"expire", "p", "200", "Gt"}) == integer(1));
    CHECK(h.run({"TTL", "p"}) == integer(200));
}

TEST_CASE("keys: EXPIRE option errors") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(h.run({"EXPIRE", "k", "10", "NX", "XX"}) ==
          err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    CHECK(h.run({"EXPIRE", "k", "10", "NX", "GT"}) ==
          err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    CHECK(h.run({"EXPIRE", "k", "10", "NX", "LT"}) ==
          err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    CHECK(h.run({"EXPIRE", "k", "10", "GT", "LT"}) ==
          err("ERR GT and LT options at the same time are not compatible"));
    CHECK(h.run({"EXPIRE", "k", "10", "foo"}) == err("ERR Unsupported option foo"));
    CHECK(h.run({"EXPIRE", "k", "abc", "foo"}) == err("ERR Unsupported option foo"));
    CHECK(h.run({"EXPIRE", "k", "abc"}) == not_integer());
    CHECK(h.run({"EXPIRE", "k", "1.5"}) == not_integer());
    CHECK(h.run({"EXPIRE", "k", ""}) == not_integer());
    CHECK(h.run({"EXPIRE", "nope", "10", "foo"}) == err("ERR Unsupported option foo"));
    CHECK(h.run({"EXPIRE", "nope", "abc"}) == not_integer());
    CHECK(h.run({"PEXPIRE", "k", "10", "GT", "LT"}) ==
          err("ERR GT and LT options at the same time are not compatible"));
    CHECK(h.run({"EXPIREAT", "k", "10", "NX", "XX"}) ==
          err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    CHECK(h.run({"PEXPIREAT", "k", "10", "bar"}) == err("ERR Unsupported option bar"));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"EXPIRE"}) == arity_error("expire"));
    CHECK(h.run({"EXPIRE", "k"}) == arity_error("expire"));
}

TEST_CASE("keys: EXPIRE overflow checks") {
    Harness h;
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'expire' command"));
    CHECK(h.run({"EXPIRE", "q", "9223372036854775"}) ==
          err("ERR invalid expire time in 'expire' command"));
    CHECK(h.run({"EXPIRE", "q", "-9223372036854775808"}) ==
          err("ERR invalid expire time in 'expire' command"));
    CHECK(h.run({"PEXPIRE", "q", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'pexpire' command"));
    CHECK(h.run({"EXPIREAT", "q", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'expireat' command"));
    CHECK(h.run({"EXISTS", "q"}) == integer(1));
    CHECK(h.run({"EXPIREAT", "q", "9223372036854775"}) == integer(1));
    CHECK(h.run({"EXPIRETIME", "q"}) == integer(9223372036854775));
    CHECK(h.run({"PEXPIREAT", "q", "9223372036854775807"}) == integer(1));
    CHECK(h.run({"PEXPIRETIME", "q"}) == integer(9223372036854775807));
}

TEST_CASE("keys: EXPIRE with a time in the past deletes the key") {
    Harness h;
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "0"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "-1"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"PEXPIRE", "q", "-100"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIREAT", "q", "1"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"PEXPIREAT", "q", "1"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIREAT", "q", "0"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "-9223372036854775"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"PEXPIRE", "q", "-9223372036854775808"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
}

TEST_CASE("keys: past times still respect NX, XX, GT and LT") {
    Harness h;
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "-10", "GT"}) == integer(0));
    CHECK(h.run({"EXISTS", "q"}) == integer(1));
    CHECK(h.run({"EXPIRE", "q", "-10", "XX"}) == integer(0));
    CHECK(h.run({"EXISTS", "q"}) == integer(1));
    CHECK(h.run({"EXPIRE", "q", "-10", "NX"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "-10", "LT"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
    CHECK(h.run({"SET", "q", "v", "EX", "100"}) == ok());
    CHECK(h.run({"EXPIRE", "q", "-10", "GT"}) == integer(0));
    CHECK(h.run({"EXISTS", "q"}) == integer(1));
    CHECK(h.run({"EXPIRE", "q", "-10", "NX"}) == integer(0));
    CHECK(h.run({"EXISTS", "q"}) == integer(1));
    CHECK(h.run({"EXPIRE", "q", "-10", "XX"}) == integer(1));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
}

TEST_CASE("keys: EXPIREAT, PEXPIREAT, EXPIRETIME, PEXPIRETIME") {
    Harness h;
    CHECK(h.run({"SET", "p", "v"}) == ok());
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(-1));
    CHECK(h.run({"PEXPIRETIME", "p"}) == integer(-1));
    CHECK(h.run({"EXPIREAT", "p", "99999999999"}) == integer(1));
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(99999999999));
    CHECK(h.run({"PEXPIRETIME", "p"}) == integer(99999999999000));
    CHECK(h.run({"PEXPIREAT", "p", "99999999999999"}) == integer(1));
    CHECK(h.run({"PEXPIRETIME", "p"}) == integer(99999999999999));
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(100000000000));
    CHECK(h.run({"PEXPIREAT", "p", "99999999999499"}) == integer(1));
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(99999999999));
    CHECK(h.run({"PEXPIREAT", "p", "99999999999500"}) == integer(1));
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(100000000000));
    CHECK(h.run({"EXPIRETIME", "nope"}) == integer(-2));
    CHECK(h.run({"PEXPIRETIME", "nope"}) == integer(-2));
    CHECK(h.run({"EXPIREAT", "p", "99999999998", "GT"}) == integer(0));
    CHECK(h.run({"EXPIREAT", "p", "99999999999", "LT"}) == integer(1));
    CHECK(h.run({"EXPIRETIME", "p"}) == integer(99999999999));
}

TEST_CASE("keys: PERSIST") {
    Harness h;
    CHECK(h.run({"SET", "p", "v", "EX", "100"}) == ok());
    CHECK(h.run({"PERSIST", "p"}) == integer(1));
    CHECK(h.run({"TTL", "p"}) == integer(-1));
    CHECK(h.run({"PERSIST", "p"}) == integer(0));
    CHECK(h.run({"PERSIST", "nope"}) == integer(0));
    CHECK(h.run({"EXPIRE", "p", "100"}) == integer(1));
    CHECK(h.run({"PERSIST", "p"}) == integer(1));
    CHECK(h.run({"GET", "p"}) == bulk("v"));
    CHECK(h.run({"PERSIST"}) == arity_error("persist"));
}

TEST_CASE("keys: KEYS matches glob patterns") {
    Harness h;
    CHECK(h.run({"MSET", "k1", "1", "k2", "2", "k11", "3", "kx", "4", "other", "5"}) == ok());
    CHECK(h.run({"KEYS", "nomatch*"}) == array({}));
    CHECK(sorted(decode(h.run({"KEYS", "k[12]"})).strings()) == std::vector<std::string>{"k1", "k2"});
    CHECK(sorted(decode(h.run({"KEYS", "k?"})).strings()) == std::vector<std::string>{"k1", "k2", "kx"});
    CHECK(h.run({"KEYS", "k1?"}) == array({bulk("k11")}));
    CHECK(h.run({"KEYS", "other"}) == array({bulk("other")}));
    CHECK(h.run({"KEYS", "["}) == array({}));
    CHECK(h.run({"KEYS", "k\x01"}) == array({}));
    CHECK(h.run({"KEYS"}) == arity_error("keys"));
    CHECK(h.run({"KEYS", "a", "b"}) == arity_error("keys"));
}

TEST_CASE("keys: OBJECT subcommands") {
    Harness h;
    CHECK(h.run({"SET", "s", "v"}) == ok());
    CHECK(h.run({"SET", "n", "123"}) == ok());
    CHECK(h.run({"SET", "big", "123456"}) == ok());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "s"}) == bulk("embstr"));
    CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("int"));
    CHECK(h.run({"OBJECT", "ENCODING", "h"}) == bulk("listpack"));
    CHECK(h.run({"OBJECT", "ENCODING", "nope"}) == nil());
    CHECK(h.run({"OBJECT", "REFCOUNT", "s"}) == integer(1));
    CHECK(h.run({"OBJECT", "REFCOUNT", "n"}) == integer(2147483647));
    CHECK(h.run({"OBJECT", "REFCOUNT", "big"}) == integer(1));
    CHECK(h.run({"OBJECT", "REFCOUNT", "h"}) == integer(1));
    CHECK(h.run({"OBJECT", "REFCOUNT", "nope"}) == nil());
    CHECK(decode(h.run({"OBJECT", "IDLETIME", "s"})).integer() <= 1);
    CHECK(h.run({"OBJECT", "IDLETIME", "nope"}) == nil());
    CHECK(h.run({"OBJECT", "FREQ", "s"}) ==
          err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."));
    CHECK(h.run({"OBJECT", "FREQ", "nope"}) == nil());
    CHECK(h.run({"OBJECT", "HELP"}) == array({
              simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
              simple("ENCODING <key>"),
              simple("    Return the kind of internal representation used in order to store the value"),
              simple("    associated with a <key>."),
              simple("FREQ <key>"),
              simple("    Return the access frequency index of the <key>. The returned integer is"),
              simple("    proportional to the logarithm of the recent access frequency of the key."),
              simple("IDLETIME <key>"),
              simple("    Return the idle time of the <key>, that is the approximated number of"),
              simple("    seconds elapsed since the last access to the key."),
              simple("REFCOUNT <key>"),
              simple("    Return the number of references of the value associated with the specified"),
              simple("    <key>."),
              simple("HELP"),
              simple("    Prints this help.")}));
    CHECK(h.run({"OBJECT", "help"}) == h.run({"OBJECT", "HELP"}));
    CHECK(h.run({"OBJECT"}) == arity_error("object"));
    CHECK(h.run({"OBJECT", "foo"}) == err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    CHECK(h.run({"OBJECT", "foo", "bar"}) == err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    CHECK(h.run({"OBJECT", "ENCODING"}) == arity_error("object|encoding"));
    CHECK(h.run({"OBJECT", "ENCODING", "a", "b"}) == arity_error("object|encoding"));
    CHECK(h.run({"OBJECT", "HELP", "x"}) == arity_error("object|help"));
}

TEST_CASE("keys: SCAN argument errors") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SCAN", "0", "COUNT", "0"}) == syntax_error());
    CHECK(h.run({"SCAN", "0", "COUNT", "-1"}) == syntax_error());
    CHECK(h.run({"SCAN", "0", "COUNT", "abc"}) == not_integer());
    CHECK(h.run({"SCAN", "0", "MATCH"}) == syntax_error());
    CHECK(h.run({"SCAN", "0", "TYPE"}) == syntax_error());
    CHECK(h.run({"SCAN", "0", "foo", "bar"}) == syntax_error());
    CHECK(h.run({"SCAN", "0", "foo"}) == syntax_error());
    CHECK(h.run({"SCAN", "abc"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SCAN", " 1"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SCAN", "1.5"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SCAN", "18446744073709551616"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SCAN"}) == arity_error("scan"));
}

TEST_CASE("keys: SCAN MATCH and TYPE filter") {
    Harness h;
    CHECK(h.run({"SET", "n", "1"}) == ok());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"SCAN", "0", "TYPE", "hash"}) == array({bulk("0"), array({bulk("h")})}));
    CHECK(h.run({"SCAN", "0", "TYPE", "HASH"}) == array({bulk("0"), array({bulk("h")})}));
    CHECK(h.run({"SCAN", "0", "TYPE", "foo"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"SCAN", "0", "TYPE", "string", "MATCH", "n*"}) == array({
              bulk("0"),
              array({bulk("n")})}));
    CHECK(h.run({"SCAN", "0", "MATCH", "x*"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"SCAN", "0", "MATCH", "h", "TYPE", "hash", "COUNT", "100"}) == array({
              bulk("0"),
              array({bulk("h")})}));
}

TEST_CASE("keys: RANDOMKEY") {
    Harness h;
    CHECK(h.run({"RANDOMKEY"}) == nil());
    CHECK(h.run({"SET", "only", "v"}) == ok());
    CHECK(h.run({"RANDOMKEY"}) == bulk("only"));
    CHECK(h.run({"RANDOMKEY", "x"}) == arity_error("randomkey"));
}

namespace {

// MSET prefix0 0 prefix1 1 ... and returns the sorted key names.
std::vector<std::string> fill_keys(Harness& h, std::string_view prefix, int n) {
    std::vector<std::string> args = {"MSET"}, names;
    for (int i = 0; i < n; ++i) {
        names.push_back(std::string(prefix) + std::to_string(i));
        args.push_back(names.back());
        args.push_back(std::to_string(i));
    }
    REQUIRE(h.run_strings(args) == ok());
    return sorted(names);
}

// Runs a whole SCAN iteration with the given options; returns every key it produced.
std::vector<std::string> scan_all(Harness& h, std::vector<std::string> options = {}) {
    std::vector<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        std::vector<std::string> args = {"SCAN", cursor};
        args.insert(args.end(), options.begin(), options.end());
        const Reply r = decode(h.run_strings(args));
        REQUIRE(r.items.size() == 2);
        cursor = r.items[0].text;
        for (const std::string& k : r.items[1].strings()) seen.push_back(k);
        REQUIRE(++calls < 100000);
    } while (cursor != "0");
    return seen;
}

std::int64_t now_ms() { return corokv::unix_time_ms(); }

}  // namespace

TEST_CASE("keys: KEYS * returns every key of the selected database, across shards") {
    Harness h(8);
    const auto all = fill_keys(h, "k", 500);
    CHECK(sorted(decode(h.run({"KEYS", "*"})).strings()) == all);
    std::vector<std::string> tens;
    for (int i = 10; i < 20; ++i) tens.push_back("k" + std::to_string(i));
    CHECK(sorted(decode(h.run({"KEYS", "k1?"})).strings()) == sorted(tens));
    CHECK(h.run({"SELECT", "1"}) == ok());
    CHECK(h.run({"KEYS", "*"}) == array({}));
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(500));
}

TEST_CASE("keys: a full SCAN returns every key exactly once, whatever the shard count") {
    for (std::size_t shards : {1u, 4u, 64u}) {
        CAPTURE(shards);
        Harness h(shards);
        const auto all = fill_keys(h, "key:", 1000);
        CHECK(sorted(scan_all(h)) == all);
        CHECK(sorted(scan_all(h, {"COUNT", "1"})) == all);
        CHECK(sorted(scan_all(h, {"COUNT", "100000"})) == all);
    }
}

TEST_CASE("keys: SCAN COUNT bounds the batch size, roughly") {
    Harness h(4);
    fill_keys(h, "k", 1000);
    std::string cursor = "0";
    int calls = 0;
    do {
        const Reply r = decode(h.run_strings({"SCAN", cursor, "COUNT", "10"}));
        cursor = r.items[0].text;
        CHECK(r.items[1].items.size() <= 40);
        ++calls;
    } while (cursor != "0");
    CHECK(calls >= 25);
    // A large COUNT takes everything in one call.
    const Reply one = decode(h.run({"SCAN", "0", "COUNT", "100000"}));
    CHECK(one.items[0].text == "0");
    CHECK(one.items[1].items.size() == 1000);
}

TEST_CASE("keys: SCAN MATCH and TYPE over many keys") {
    Harness h(4);
    const auto strings = fill_keys(h, "s", 300);
    std::vector<std::string> hashes;
    for (int i = 0; i < 100; ++i) {
        hashes.push_back("h" + std::to_string(i));
        REQUIRE(h.run_strings({"HSET", hashes.back(), "f", "v"}) == integer(1));
    }
    CHECK(sorted(scan_all(h, {"TYPE", "hash"})) == sorted(hashes));
    CHECK(sorted(scan_all(h, {"TYPE", "STRING", "COUNT", "3"})) == strings);
    CHECK(scan_all(h, {"TYPE", "list"}).empty());
    std::vector<std::string> s1;
    for (const std::string& k : strings)
        if (k.rfind("s1", 0) == 0) s1.push_back(k);
    CHECK(sorted(scan_all(h, {"MATCH", "s1*"})) == s1);
    CHECK(sorted(scan_all(h, {"MATCH", "s1*", "TYPE", "hash"})).empty());
    CHECK(sorted(scan_all(h, {"MATCH", "h1", "TYPE", "hash"})) == std::vector<std::string>{"h1"});
}

TEST_CASE("keys: SCAN returns keys that exist throughout even while the keyspace grows") {
    Harness h(4);
    const auto stable = fill_keys(h, "stable", 300);
    std::vector<std::string> seen;
    std::string cursor = "0";
    int step = 0;
    do {
        const Reply r = decode(h.run_strings({"SCAN", cursor, "COUNT", "5"}));
        cursor = r.items[0].text;
        for (const std::string& k : r.items[1].strings()) seen.push_back(k);
        std::vector<std::string> more = {"MSET"};
        for (int i = 0; i < 10; ++i) {
            more.push_back("grow" + std::to_string(step * 10 + i));
            more.push_back("x");
        }
        h.run_strings(more);
        ++step;
    } while (cursor != "0");
    seen = sorted(seen);
    for (const std::string& k : stable) CHECK(std::binary_search(seen.begin(), seen.end(), k));
}

TEST_CASE("keys: SCAN and KEYS only see the selected database") {
    Harness h(4);
    fill_keys(h, "zero", 50);
    CHECK(h.run({"SELECT", "5"}) == ok());
    const auto five = fill_keys(h, "five", 20);
    CHECK(sorted(scan_all(h)) == five);
    CHECK(sorted(decode(h.run({"KEYS", "*"})).strings()) == five);
}

TEST_CASE("keys: RANDOMKEY returns existing keys and eventually each of them") {
    Harness h(4);
    const auto all = fill_keys(h, "k", 5);
    std::vector<std::string> seen;
    for (int i = 0; i < 300; ++i) {
        const Reply r = decode(h.run({"RANDOMKEY"}));
        REQUIRE(r.type == '$');
        REQUIRE(std::binary_search(all.begin(), all.end(), r.text));
        seen.push_back(r.text);
    }
    seen = sorted(seen);
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    CHECK(seen == all);
    CHECK(h.run({"SELECT", "1"}) == ok());
    CHECK(h.run({"RANDOMKEY"}) == nil());
}

TEST_CASE("keys: expired keys vanish from reads, KEYS, SCAN, RANDOMKEY and EXISTS") {
    Harness h(4);
    const std::int64_t t = now_ms();
    REQUIRE(h.run_at(t, {"SET", "dying", "v", "PX", "1000"}) == ok());
    REQUIRE(h.run_at(t, {"SET", "alive", "v"}) == ok());
    REQUIRE(h.run_at(t, {"HSET", "dying-hash", "f", "v"}) == integer(1));
    REQUIRE(h.run_at(t, {"PEXPIRE", "dying-hash", "1000"}) == integer(1));
    CHECK(h.run_at(t + 999, {"EXISTS", "dying", "dying-hash"}) == integer(2));
    const std::int64_t later = t + 2000;
    CHECK(h.run_at(later, {"KEYS", "*"}) == array({bulk("alive")}));
    CHECK(h.run_at(later, {"SCAN", "0", "COUNT", "100"}) == array({bulk("0"), array({bulk("alive")})}));
    for (int i = 0; i < 20; ++i) CHECK(h.run_at(later, {"RANDOMKEY"}) == bulk("alive"));
    CHECK(h.run_at(later, {"EXISTS", "dying", "dying-hash", "alive"}) == integer(1));
    CHECK(h.run_at(later, {"GET", "dying"}) == nil());
    CHECK(h.run_at(later, {"HGET", "dying-hash", "f"}) == nil());
    CHECK(h.run_at(later, {"TTL", "dying"}) == integer(-2));
    CHECK(h.run_at(later, {"TYPE", "dying"}) == simple("none"));
    // An expired key is free for a new value, without the old TTL.
    CHECK(h.run_at(later, {"SET", "dying", "again", "NX"}) == ok());
    CHECK(h.run_at(later, {"TTL", "dying"}) == integer(-1));
}

TEST_CASE("keys: RANDOMKEY answers nil when every key has expired") {
    Harness h(4);
    const std::int64_t t = now_ms();
    for (int i = 0; i < 10; ++i) {
        const std::string key = "k" + std::to_string(i);
        REQUIRE(h.run_at(t, {"SET", key, "v", "PX", "10"}) == ok());
    }
    CHECK(h.run_at(t + 100, {"RANDOMKEY"}) == nil());
}

TEST_CASE("keys: TTL rounds to the nearest second, PTTL and EXPIRETIME are exact") {
    Harness h;
    const std::int64_t t = now_ms();
    const std::string deadline = std::to_string(t + 1500);
    REQUIRE(h.run_at(t, {"SET", "k", "v"}) == ok());
    REQUIRE(h.run_at(t, {"PEXPIREAT", "k", deadline}) == integer(1));
    CHECK(h.run_at(t, {"PTTL", "k"}) == integer(1500));
    CHECK(h.run_at(t, {"TTL", "k"}) == integer(2));
    CHECK(h.run_at(t + 1, {"TTL", "k"}) == integer(1));
    CHECK(h.run_at(t + 1001, {"TTL", "k"}) == integer(0));
    CHECK(h.run_at(t + 1499, {"PTTL", "k"}) == integer(1));
    CHECK(h.run_at(t + 1000, {"PEXPIRETIME", "k"}) == integer(t + 1500));
    CHECK(h.run_at(t + 1000, {"EXPIRETIME", "k"}) == integer((t + 1500 + 500) / 1000));
    CHECK(h.run_at(t + 1600, {"PTTL", "k"}) == integer(-2));
}

TEST_CASE("keys: relative expire times count from the command's clock") {
    Harness h;
    const std::int64_t t = now_ms();
    REQUIRE(h.run_at(t, {"SET", "k", "v"}) == ok());
    CHECK(h.run_at(t, {"EXPIRE", "k", "10"}) == integer(1));
    CHECK(h.run_at(t, {"PEXPIRETIME", "k"}) == integer(t + 10000));
    CHECK(h.run_at(t, {"PEXPIRE", "k", "2500"}) == integer(1));
    CHECK(h.run_at(t, {"PEXPIRETIME", "k"}) == integer(t + 2500));
    CHECK(h.run_at(t, {"SET", "s", "v", "EX", "7"}) == ok());
    CHECK(h.run_at(t, {"PEXPIRETIME", "s"}) == integer(t + 7000));
    CHECK(h.run_at(t, {"GETEX", "s", "PX", "123"}) == bulk("v"));
    CHECK(h.run_at(t, {"PEXPIRETIME", "s"}) == integer(t + 123));
    // As Redis's keyIsExpired: alive during the deadline's millisecond, gone after it.
    CHECK(h.run_at(t + 123, {"EXISTS", "s"}) == integer(1));
    CHECK(h.run_at(t + 124, {"EXISTS", "s"}) == integer(0));
    // GT/LT compare absolute deadlines: the same relative time later is greater.
    CHECK(h.run_at(t + 1, {"PEXPIRE", "k", "2500", "GT"}) == integer(1));
    CHECK(h.run_at(t + 1, {"PEXPIRETIME", "k"}) == integer(t + 2501));
    CHECK(h.run_at(t + 1, {"PEXPIRE", "k", "2500", "GT"}) == integer(0));
    CHECK(h.run_at(t + 1, {"PEXPIRE", "k", "2500", "LT"}) == integer(0));
}

TEST_CASE("keys: OBJECT IDLETIME counts from the last access; TYPE, EXISTS, TTL do not touch") {
    Harness h;
    const std::int64_t t = now_ms();
    REQUIRE(h.run_at(t, {"SET", "k", "v"}) == ok());
    CHECK(h.run_at(t + 10000, {"OBJECT", "IDLETIME", "k"}) == integer(10));
    for (auto cmd : {"TYPE", "EXISTS", "TTL", "PTTL", "EXPIRETIME"}) h.run_at(t + 20000, {cmd, "k"});
    CHECK(h.run_at(t + 20000, {"OBJECT", "ENCODING", "k"}) == bulk("embstr"));
    CHECK(h.run_at(t + 20000, {"OBJECT", "IDLETIME", "k"}) == integer(20));
    CHECK(h.run_at(t + 20000, {"GET", "k"}) == bulk("v"));
    CHECK(h.run_at(t + 23000, {"OBJECT", "IDLETIME", "k"}) == integer(3));
    CHECK(h.run_at(t + 30000, {"TOUCH", "k"}) == integer(1));
    CHECK(h.run_at(t + 30000, {"OBJECT", "IDLETIME", "k"}) == integer(0));
}

TEST_CASE("keys: RENAME and COPY between shards keep value, type and deadline") {
    Harness h(64);
    const std::int64_t far = 99999999999999;
    const auto keys = fill_keys(h, "src", 50);
    for (const std::string& k : keys) {
        REQUIRE(h.run_strings({"PEXPIREAT", k, std::to_string(far)}) == integer(1));
        REQUIRE(h.run_strings({"RENAME", k, "renamed-" + k}) == ok());
        CHECK(h.run_strings({"EXISTS", k}) == integer(0));
        CHECK(h.run_strings({"PEXPIRETIME", "renamed-" + k}) == integer(far));
        REQUIRE(h.run_strings({"COPY", "renamed-" + k, "copy-" + k}) == integer(1));
        CHECK(h.run_strings({"PEXPIRETIME", "copy-" + k}) == integer(far));
        CHECK(h.run_strings({"GET", "copy-" + k}) == bulk(k.substr(3)));
    }
    CHECK(h.run({"DBSIZE"}) == integer(100));
}
