// String commands (Redis's t_string.c). Expected replies were recorded from Redis 7.0.15;
// where a reply depends on time or randomness the check says what must hold instead.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

TEST_CASE("strings: GET and SET: plain values, missing keys, overwrite of another type") {
    Harness h;
    CHECK(h.run({"GET", "nokey"}) == nil());
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk("v"));
    CHECK(h.run({"SET", "k", ""}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk(""));
    CHECK(h.run({"SET", "k", "a\r\nb\x00""c"sv}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk("a\r\nb\x00""c"sv));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"GET", "h"}) == wrongtype());
    CHECK(h.run({"SET", "h", "v"}) == ok());
    CHECK(h.run({"GET", "h"}) == bulk("v"));
    CHECK(h.run({"TYPE", "h"}) == simple("string"));
    CHECK(h.run({"SET", "k"}) == arity_error("set"));
    CHECK(h.run({"SET"}) == arity_error("set"));
    CHECK(h.run({"GET"}) == arity_error("get"));
    CHECK(h.run({"GET", "a", "b"}) == arity_error("get"));
    CHECK(h.run({"set", "k", "lower"}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk("lower"));
}

TEST_CASE("strings: SET NX and XX") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "NX"}) == ok());
    CHECK(h.run({"SET", "k", "v2", "NX"}) == nil());
    CHECK(h.run({"GET", "k"}) == bulk("v"));
    CHECK(h.run({"SET", "k", "v3", "XX"}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk("v3"));
    CHECK(h.run({"SET", "other", "v", "XX"}) == nil());
    CHECK(h.run({"EXISTS", "other"}) == integer(0));
    CHECK(h.run({"SET", "k", "v", "nx", "XX"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "XX", "NX"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "nx", "nx"}) == nil());
    CHECK(h.run({"GET", "k"}) == bulk("v3"));
}

TEST_CASE("strings: SET EX/PX/EXAT/PXAT set a deadline, a repeated unit option wins last") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"SET", "k", "v", "EX", "10", "EX", "200"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(200));
    CHECK(h.run({"SET", "k", "v", "PX", "100", "PX", "300000"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(300));
    CHECK(h.run({"SET", "k", "v", "EXAT", "99999999999"}) == ok());
    CHECK(h.run({"EXPIRETIME", "k"}) == integer(99999999999));
    CHECK(h.run({"SET", "k", "v", "PXAT", "99999999999999"}) == ok());
    CHECK(h.run({"PEXPIRETIME", "k"}) == integer(99999999999999));
    CHECK(h.run({"SET", "k", "v", "ex", "100", "NX"}) == nil());
    CHECK(h.run({"SET", "k", "v2", "xx", "ex", "50"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(50));
    CHECK(h.run({"GET", "k"}) == bulk("v2"));
}

TEST_CASE("strings: SET rejects contradicting and incomplete options") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "10", "PX", "100"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "PX", "100", "EX", "10"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "EX", "10", "EXAT", "100"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "EXAT", "10", "PXAT", "20"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "PXAT", "10", "PX", "20"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "KEEPTTL", "EX", "10"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "EX", "10", "KEEPTTL"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "KEEPTTL", "PXAT", "10"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "EX"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "PX"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "PERSIST"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "foo"}) == syntax_error());
    CHECK(h.run({"SET", "k", "v", "EX", "10", "foo"}) == syntax_error());
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("strings: SET expire times must be positive integers that do not overflow") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "0"}) == err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EX", "-1"}) == err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "PX", "0"}) == err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "PX", "-100"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EXAT", "0"}) == err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "PXAT", "-1"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EX", "abc"}) == not_integer());
    CHECK(h.run({"SET", "k", "v", "EX", "1.5"}) == not_integer());
    CHECK(h.run({"SET", "k", "v", "PX", " 10"}) == not_integer());
    CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "PX", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EXAT", "9223372036854776"}) ==
          err("ERR invalid expire time in 'set' command"));
    CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775808"}) == not_integer());
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
    CHECK(h.run({"SETEX", "k", "0", "v"}) == err("ERR invalid expire time in 'setex' command"));
    CHECK(h.run({"SETEX", "k", "-10", "v"}) == err("ERR invalid expire time in 'setex' command"));
    CHECK(h.run({"SETEX", "k", "abc", "v"}) == not_integer());
    CHECK(h.run({"SETEX", "k", "9223372036854775807", "v"}) ==
          err("ERR invalid expire time in 'setex' command"));
    CHECK(h.run({"PSETEX", "k", "0", "v"}) == err("ERR invalid expire time in 'psetex' command"));
    CHECK(h.run({"PSETEX", "k", "-5", "v"}) == err("ERR invalid expire time in 'psetex' command"));
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("strings: SET with a deadline already in the past stores nothing visible") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EXAT", "1"}) == ok());
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
    CHECK(h.run({"SET", "k", "v", "PXAT", "1"}) == ok());
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
    CHECK(h.run({"SET", "k", "old"}) == ok());
    CHECK(h.run({"SET", "k", "new", "PXAT", "1"}) == ok());
    CHECK(h.run({"GET", "k"}) == nil());
}

TEST_CASE("strings: SET KEEPTTL keeps the deadline, a plain SET drops it") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(h.run({"SET", "k", "v2", "KEEPTTL"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"GET", "k"}) == bulk("v2"));
    CHECK(h.run({"SET", "k", "v3"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    CHECK(h.run({"SET", "k", "v4", "KEEPTTL"}) == ok());
    CHECK(h.run({"TTL", "k"}) == integer(-1));
}

TEST_CASE("strings: SET GET returns the old value") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "GET"}) == nil());
    CHECK(h.run({"SET", "k", "v2", "GET"}) == bulk("v"));
    CHECK(h.run({"GET", "k"}) == bulk("v2"));
    CHECK(h.run({"SET", "k", "v3", "GET", "NX"}) == bulk("v2"));
    CHECK(h.run({"GET", "k"}) == bulk("v2"));
    CHECK(h.run({"SET", "k", "v4", "GET", "XX"}) == bulk("v2"));
    CHECK(h.run({"GET", "k"}) == bulk("v4"));
    CHECK(h.run({"SET", "fresh", "v", "GET", "XX"}) == nil());
    CHECK(h.run({"EXISTS", "fresh"}) == integer(0));
    CHECK(h.run({"SET", "fresh", "v", "GET", "NX"}) == nil());
    CHECK(h.run({"GET", "fresh"}) == bulk("v"));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"SET", "h", "v", "GET"}) == wrongtype());
    CHECK(h.run({"HGET", "h", "f"}) == bulk("v"));
    CHECK(h.run({"SET", "h", "v", "GET", "NX"}) == wrongtype());
    CHECK(h.run({"SET", "k", "v5", "GET", "EX", "100"}) == bulk("v4"));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"SET", "k", "v6", "KEEPTTL", "GET"}) == bulk("v5"));
    CHECK(h.run({"TTL", "k"}) == integer(100));
}

TEST_CASE("strings: SETNX, SETEX, PSETEX") {
    Harness h;
    CHECK(h.run({"SETNX", "k", "a"}) == integer(1));
    CHECK(h.run({"SETNX", "k", "b"}) == integer(0));
    CHECK(h.run({"GET", "k"}) == bulk("a"));
    CHECK(h.run({"SETEX", "k", "100", "v"}) == ok());
    CHECK(h.run({"GET", "k"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"PSETEX", "p", "100000", "v"}) == ok());
    CHECK(h.run({"GET", "p"}) == bulk("v"));
    CHECK(decode(h.run({"PTTL", "p"})).integer() > 99000);
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"SETNX", "h", "x"}) == integer(0));
    CHECK(h.run({"SETEX", "h", "10", "x"}) == ok());
    CHECK(h.run({"GET", "h"}) == bulk("x"));
    CHECK(h.run({"SETNX", "k"}) == arity_error("setnx"));
    CHECK(h.run({"SETEX", "k", "10"}) == arity_error("setex"));
    CHECK(h.run({"PSETEX", "k", "10"}) == arity_error("psetex"));
}

TEST_CASE("strings: GETSET and GETDEL") {
    Harness h;
    CHECK(h.run({"GETSET", "k", "a"}) == nil());
    CHECK(h.run({"GETSET", "k", "b"}) == bulk("a"));
    CHECK(h.run({"GET", "k"}) == bulk("b"));
    CHECK(h.run({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(h.run({"GETSET", "k", "x"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    CHECK(h.run({"GETDEL", "k"}) == bulk("x"));
    CHECK(h.run({"GETDEL", "k"}) == nil());
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"GETSET", "h", "x"}) == wrongtype());
    CHECK(h.run({"GETDEL", "h"}) == wrongtype());
    CHECK(h.run({"TYPE", "h"}) == simple("hash"));
}

TEST_CASE("strings: GETEX changes or removes the deadline") {
    Harness h;
    CHECK(h.run({"SET", "k", "v", "EX", "100"}) == ok());
    CHECK(h.run({"GETEX", "k"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(100));
    CHECK(h.run({"GETEX", "k", "PERSIST"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    CHECK(h.run({"GETEX", "k", "EX", "50"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(50));
    CHECK(h.run({"GETEX", "k", "PX", "50000"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(50));
    CHECK(h.run({"GETEX", "k", "EXAT", "99999999999"}) == bulk("v"));
    CHECK(h.run({"EXPIRETIME", "k"}) == integer(99999999999));
    CHECK(h.run({"GETEX", "k", "PXAT", "99999999999999"}) == bulk("v"));
    CHECK(h.run({"PEXPIRETIME", "k"}) == integer(99999999999999));
    CHECK(h.run({"GETEX", "k", "EX", "10", "EX", "20"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(20));
    CHECK(h.run({"GETEX", "k", "persist"}) == bulk("v"));
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    CHECK(h.run({"GETEX", "missing", "EX", "10"}) == nil());
    CHECK(h.run({"EXISTS", "missing"}) == integer(0));
}

TEST_CASE("strings: GETEX errors") {
    Harness h;
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"GETEX", "k", "EX", "0"}) == err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "EX", "-1"}) == err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "PX", "0"}) == err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "EX", "abc"}) == not_integer());
    CHECK(h.run({"GETEX", "k", "EX", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "PX", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "EXAT", "9223372036854775807"}) ==
          err("ERR invalid expire time in 'getex' command"));
    CHECK(h.run({"GETEX", "k", "EX", "10", "PX", "10"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "PERSIST", "EX", "10"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "EX", "10", "PERSIST"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "NX"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "XX"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "KEEPTTL"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "GET"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "EX"}) == syntax_error());
    CHECK(h.run({"GETEX", "k", "foo"}) == syntax_error());
    CHECK(h.run({"TTL", "k"}) == integer(-1));
    // A missing key answers nil before the expire time is even looked at.
    CHECK(h.run({"GETEX", "missing", "EX", "abc"}) == nil());
    CHECK(h.run({"GETEX", "missing", "EX", "0"}) == nil());
    CHECK(h.run({"GETEX", "missing", "foo"}) == syntax_error());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"GETEX", "h"}) == wrongtype());
    CHECK(h.run({"GETEX", "h", "EX", "0"}) == wrongtype());
    CHECK(h.run({"GETEX"}) == arity_error("getex"));
}

TEST_CASE("strings: GETEX with a past deadline deletes the key after returning it") {
    Harness h;
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"GETEX", "k", "EXAT", "1"}) == bulk("v"));
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"GETEX", "k", "PXAT", "1"}) == bulk("v"));
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("strings: MGET, MSET, MSETNX") {
    Harness h;
    CHECK(h.run({"MSET", "a", "1", "b", "2", "c", "3"}) == ok());
    CHECK(h.run({"MGET", "a", "b", "c", "d"}) == array({bulk("1"), bulk("2"), bulk("3"), nil()}));
    CHECK(h.run({"MSET", "a", "1", "b"}) == arity_error("mset"));
    CHECK(h.run({"MSET", "a"}) == arity_error("mset"));
    CHECK(h.run({"MGET"}) == arity_error("mget"));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"MGET", "a", "h", "b"}) == array({bulk("1"), nil(), bulk("2")}));
    CHECK(h.run({"MSET", "h", "str"}) == ok());
    CHECK(h.run({"GET", "h"}) == bulk("str"));
    CHECK(h.run({"MSET", "dup", "1", "dup", "2"}) == ok());
    CHECK(h.run({"GET", "dup"}) == bulk("2"));
    CHECK(h.run({"SET", "t", "v", "EX", "100"}) == ok());
    CHECK(h.run({"MSET", "t", "v2"}) == ok());
    CHECK(h.run({"TTL", "t"}) == integer(-1));
    CHECK(h.run({"MSETNX", "a", "1", "x", "2"}) == integer(0));
    CHECK(h.run({"EXISTS", "x"}) == integer(0));
    CHECK(h.run({"MSETNX", "x", "1", "y", "2"}) == integer(1));
    CHECK(h.run({"MGET", "x", "y"}) == array({bulk("1"), bulk("2")}));
    CHECK(h.run({"MSETNX", "x"}) == arity_error("msetnx"));
    CHECK(h.run({"MSETNX", "x", "1", "y"}) == arity_error("msetnx"));
    CHECK(h.run({"MSETNX", "new1", "1", "new1", "2"}) == integer(1));
    CHECK(h.run({"GET", "new1"}) == bulk("2"));
    CHECK(h.run({"MSETNX", "h2", "1", "h", "1"}) == integer(0));
    CHECK(h.run({"EXISTS", "h2"}) == integer(0));
}

TEST_CASE("strings: INCR, DECR, INCRBY, DECRBY count from zero and keep the TTL") {
    Harness h;
    CHECK(h.run({"INCR", "c"}) == integer(1));
    CHECK(h.run({"INCR", "c"}) == integer(2));
    CHECK(h.run({"DECR", "c"}) == integer(1));
    CHECK(h.run({"INCRBY", "c", "10"}) == integer(11));
    CHECK(h.run({"DECRBY", "c", "5"}) == integer(6));
    CHECK(h.run({"INCRBY", "c", "-3"}) == integer(3));
    CHECK(h.run({"DECRBY", "c", "-3"}) == integer(6));
    CHECK(h.run({"GET", "c"}) == bulk("6"));
    CHECK(h.run({"DECR", "fresh"}) == integer(-1));
    CHECK(h.run({"GET", "fresh"}) == bulk("-1"));
    CHECK(h.run({"SET", "t", "5", "EX", "100"}) == ok());
    CHECK(h.run({"INCR", "t"}) == integer(6));
    CHECK(h.run({"TTL", "t"}) == integer(100));
    CHECK(h.run({"OBJECT", "ENCODING", "t"}) == bulk("int"));
}

TEST_CASE("strings: INCRBY and DECRBY accept only strict integer increments") {
    Harness h;
    CHECK(h.run({"SET", "c", "1"}) == ok());
    CHECK(h.run({"INCRBY", "c", "abc"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "1.0"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", " 1"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "1 "}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "01"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "+1"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "-0"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", ""}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "9223372036854775808"}) == not_integer());
    CHECK(h.run({"INCRBY", "c", "-9223372036854775809"}) == not_integer());
    CHECK(h.run({"DECRBY", "c", "-9223372036854775808"}) == err("ERR decrement would overflow"));
    CHECK(h.run({"DECRBY", "c", "9223372036854775807"}) == integer(-9223372036854775806));
    CHECK(h.run({"GET", "c"}) == bulk("-9223372036854775806"));
    CHECK(h.run({"INCRBY", "nope", "abc"}) == not_integer());
    CHECK(h.run({"EXISTS", "nope"}) == integer(0));
}

TEST_CASE("strings: INCR family refuses stored values that are not strict integers") {
    Harness h;
    CHECK(h.run({"SET", "f", "1.0"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", " 1"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "1 "}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "01"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "+1"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "-0"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", ""}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "12345678901234567890"}) == ok());
    CHECK(h.run({"INCR", "f"}) == not_integer());
    CHECK(h.run({"SET", "f", "abc"}) == ok());
    CHECK(h.run({"DECR", "f"}) == not_integer());
    CHECK(h.run({"GET", "f"}) == bulk("abc"));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"INCR", "h"}) == wrongtype());
    CHECK(h.run({"INCRBY", "h", "1"}) == wrongtype());
}

TEST_CASE("strings: INCR family detects int64 overflow and leaves the value alone") {
    Harness h;
    CHECK(h.run({"SET", "m", "9223372036854775807"}) == ok());
    CHECK(h.run({"INCR", "m"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"INCRBY", "m", "1"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"INCRBY", "m", "0"}) == integer(9223372036854775807));
    CHECK(h.run({"GET", "m"}) == bulk("9223372036854775807"));
    CHECK(h.run({"SET", "m", "-9223372036854775808"}) == ok());
    CHECK(h.run({"DECR", "m"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"DECRBY", "m", "1"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"INCRBY", "m", "-1"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"INCRBY", "m", "9223372036854775807"}) == integer(-1));
    CHECK(h.run({"SET", "m", "9223372036854775806"}) == ok());
    CHECK(h.run({"INCR", "m"}) == integer(9223372036854775807));
    CHECK(h.run({"INCR", "m"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"SET", "m", "-9223372036854775807"}) == ok());
    CHECK(h.run({"DECR", "m"}) == integer(-9223372036854775808));
    CHECK(h.run({"DECR", "m"}) == err("ERR increment or decrement would overflow"));
}

TEST_CASE("strings: INCRBYFLOAT formats like Redis") {
    Harness h;
    CHECK(h.run({"INCRBYFLOAT", "fl", "10.5"}) == bulk("10.5"));
    CHECK(h.run({"INCRBYFLOAT", "fl", "0.1"}) == bulk("10.6"));
    CHECK(h.run({"INCRBYFLOAT", "fl", "-5"}) == bulk("5.6"));
    CHECK(h.run({"INCRBYFLOAT", "fl", "5.0e3"}) == bulk("5005.60000000000000009"));
    CHECK(h.run({"INCRBYFLOAT", "x", "3.0e3"}) == bulk("3000"));
    CHECK(h.run({"INCRBYFLOAT", "y", "5.0e-17"}) == bulk("0.00000000000000005"));
    CHECK(h.run({"INCRBYFLOAT", "y", "5e-17"}) == bulk("0.0000000000000001"));
    CHECK(h.run({"INCRBYFLOAT", "i", "1e2"}) == bulk("100"));
    CHECK(h.run({"INCRBYFLOAT", "i", "0.00000000000000001"}) == bulk("100.00000000000000001"));
    CHECK(h.run({"INCRBYFLOAT", "big", "1e20"}) == bulk("100000000000000000000"));
    CHECK(h.run({"INCRBYFLOAT", "big2", "12345678901234567890"}) == bulk("12345678901234567890"));
    CHECK(h.run({"INCRBYFLOAT", "small", "0.1"}) == bulk("0.1"));
    CHECK(h.run({"INCRBYFLOAT", "small", "0.2"}) == bulk("0.3"));
    CHECK(h.run({"INCRBYFLOAT", "neg", "-1.1"}) == bulk("-1.1"));
    CHECK(h.run({"INCRBYFLOAT", "neg2", "-0.0000001"}) == bulk("-0.0000001"));
    CHECK(h.run({"INCRBYFLOAT", "n", "1"}) == bulk("1"));
    CHECK(h.run({"INCRBYFLOAT", "n", "-1"}) == bulk("0"));
    CHECK(h.run({"INCRBYFLOAT", "n", "-0.0"}) == bulk("0"));
    CHECK(h.run({"INCRBYFLOAT", "hex", "0x10"}) == bulk("16"));
    CHECK(h.run({"SET", "sf", "7"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "sf", "3"}) == bulk("10"));
    CHECK(h.run({"OBJECT", "ENCODING", "sf"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s", "1.5"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "s", "1.5"}) == bulk("3"));
    CHECK(h.run({"GET", "s"}) == bulk("3"));
    CHECK(h.run({"SET", "t", "1", "EX", "100"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "t", "1.5"}) == bulk("2.5"));
    CHECK(h.run({"TTL", "t"}) == integer(100));
}

TEST_CASE("strings: INCRBYFLOAT errors: not a float, NaN or infinity") {
    Harness h;
    CHECK(h.run({"INCRBYFLOAT", "z", "abc"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", " 1"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", "1 "}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", ""}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", "nan"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", "1e5000"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", "1e-5000"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"INCRBYFLOAT", "z", "inf"}) == err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"INCRBYFLOAT", "z", "-inf"}) ==
          err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"INCRBYFLOAT", "z", "+inf"}) ==
          err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"INCRBYFLOAT", "z", "infinity"}) ==
          err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"EXISTS", "z"}) == integer(0));
    CHECK(h.run({"SET", "z", "1.5e308"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "z", "1.5e308"}) ==
          bulk("299999999999999999999802952978936936062033681930121889934267370842360212133382092073513329456432044063805856741044049928681709165013290418975721613155792350350455287355122225755520606513477793033688249842856870392034430282663023473578541488576654642706081008486842868180099693230377808905266593729023699845120"));
    CHECK(h.run({"INCRBYFLOAT", "z", "1.5e308"}) ==
          bulk("449999999999999999989959115457005405012697140507307646590524829405945310673205231653057045493881639993243170045684064633797258831288526960280123249868485431479104943736370685213749632070260216520661585108795251939698845830515316831494126634939587089113375149114795336657321801042462435810818062003543635656704"));
    CHECK(h.run({"SET", "s", "abc"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"SET", "s", " 1.5"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"SET", "s", "inf"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"INCRBYFLOAT", "h", "1"}) == wrongtype());
    CHECK(h.run({"INCRBYFLOAT", "h", "abc"}) == wrongtype());
    CHECK(h.run({"INCRBYFLOAT", "k"}) == arity_error("incrbyfloat"));
}

TEST_CASE("strings: APPEND and STRLEN") {
    Harness h;
    CHECK(h.run({"APPEND", "a", "hello"}) == integer(5));
    CHECK(h.run({"APPEND", "a", " world"}) == integer(11));
    CHECK(h.run({"GET", "a"}) == bulk("hello world"));
    CHECK(h.run({"STRLEN", "a"}) == integer(11));
    CHECK(h.run({"STRLEN", "missing"}) == integer(0));
    CHECK(h.run({"SET", "n", "123"}) == ok());
    CHECK(h.run({"APPEND", "n", "4"}) == integer(4));
    CHECK(h.run({"GET", "n"}) == bulk("1234"));
    CHECK(h.run({"STRLEN", "n"}) == integer(4));
    CHECK(h.run({"SET", "n2", "-99"}) == ok());
    CHECK(h.run({"STRLEN", "n2"}) == integer(3));
    CHECK(h.run({"APPEND", "e", ""}) == integer(0));
    CHECK(h.run({"EXISTS", "e"}) == integer(1));
    CHECK(h.run({"STRLEN", "e"}) == integer(0));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"APPEND", "h", "x"}) == wrongtype());
    CHECK(h.run({"STRLEN", "h"}) == wrongtype());
    CHECK(h.run({"SET", "t", "v", "EX", "100"}) == ok());
    CHECK(h.run({"APPEND", "t", "x"}) == integer(2));
    CHECK(h.run({"TTL", "t"}) == integer(100));
}

TEST_CASE("strings: GETRANGE and SUBSTR clamp their ranges like Redis") {
    Harness h;
    CHECK(h.run({"SET", "a", "hello world"}) == ok());
    CHECK(h.run({"GETRANGE", "a", "0", "4"}) == bulk("hello"));
    CHECK(h.run({"GETRANGE", "a", "-5", "-1"}) == bulk("world"));
    CHECK(h.run({"GETRANGE", "a", "0", "-1"}) == bulk("hello world"));
    CHECK(h.run({"GETRANGE", "a", "0", "100"}) == bulk("hello world"));
    CHECK(h.run({"GETRANGE", "a", "5", "2"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "-100", "2"}) == bulk("hel"));
    CHECK(h.run({"GETRANGE", "a", "-1", "-5"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "100", "200"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "-100", "-50"}) == bulk("h"));
    CHECK(h.run({"GETRANGE", "a", "3", "3"}) == bulk("l"));
    CHECK(h.run({"GETRANGE", "a", "-3", "-100"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "0", "-100"}) == bulk("h"));
    CHECK(h.run({"GETRANGE", "a", "10", "-1"}) == bulk("d"));
    CHECK(h.run({"GETRANGE", "a", "11", "-1"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "9223372036854775807", "9223372036854775807"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "a", "-9223372036854775808", "9223372036854775807"}) ==
          bulk("hello world"));
    CHECK(h.run({"GETRANGE", "a", "0", "-9223372036854775808"}) == bulk("h"));
    CHECK(h.run({"SUBSTR", "a", "0", "4"}) == bulk("hello"));
    CHECK(h.run({"SUBSTR", "a", "-3", "-1"}) == bulk("rld"));
    CHECK(h.run({"SET", "n", "12345"}) == ok());
    CHECK(h.run({"GETRANGE", "n", "0", "1"}) == bulk("12"));
    CHECK(h.run({"GETRANGE", "n", "-2", "-1"}) == bulk("45"));
    CHECK(h.run({"SET", "e", ""}) == ok());
    CHECK(h.run({"GETRANGE", "e", "0", "-1"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "e", "0", "0"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "e", "-1", "-1"}) == bulk(""));
    CHECK(h.run({"GETRANGE", "missing", "0", "-1"}) == bulk(""));
}

TEST_CASE("strings: GETRANGE errors") {
    Harness h;
    CHECK(h.run({"SET", "a", "abc"}) == ok());
    CHECK(h.run({"GETRANGE", "a", "0", "abc"}) == not_integer());
    CHECK(h.run({"GETRANGE", "a", "abc", "0"}) == not_integer());
    CHECK(h.run({"GETRANGE", "a", "0", "1.5"}) == not_integer());
    CHECK(h.run({"GETRANGE", "missing", "0", "abc"}) == not_integer());
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"GETRANGE", "h", "0", "-1"}) == wrongtype());
    CHECK(h.run({"GETRANGE", "a", "0"}) == arity_error("getrange"));
    CHECK(h.run({"SUBSTR", "a", "0"}) == arity_error("substr"));
}

TEST_CASE("strings: SETRANGE pads with zero bytes and grows the string") {
    Harness h;
    CHECK(h.run({"SETRANGE", "sr", "5", "abc"}) == integer(8));
    CHECK(h.run({"GET", "sr"}) == bulk("\x00\x00\x00\x00\x00""abc"sv));
    CHECK(h.run({"STRLEN", "sr"}) == integer(8));
    CHECK(h.run({"SETRANGE", "sr", "0", "XY"}) == integer(8));
    CHECK(h.run({"GET", "sr"}) == bulk("XY\x00\x00\x00""abc"sv));
    CHECK(h.run({"SETRANGE", "sr", "1", ""}) == integer(8));
    CHECK(h.run({"SETRANGE", "sr", "100", ""}) == integer(8));
    CHECK(h.run({"STRLEN", "sr"}) == integer(8));
    CHECK(h.run({"SETRANGE", "sr", "8", "Z"}) == integer(9));
    CHECK(h.run({"GET", "sr"}) == bulk("XY\x00\x00\x00""abcZ"sv));
    CHECK(h.run({"SET", "num", "12345"}) == ok());
    CHECK(h.run({"SETRANGE", "num", "1", "9"}) == integer(5));
    CHECK(h.run({"GET", "num"}) == bulk("19345"));
    CHECK(h.run({"OBJECT", "ENCODING", "num"}) == bulk("raw"));
    CHECK(h.run({"SET", "t", "v", "EX", "100"}) == ok());
    CHECK(h.run({"SETRANGE", "t", "0", "x"}) == integer(1));
    CHECK(h.run({"TTL", "t"}) == integer(100));
}

TEST_CASE("strings: SETRANGE errors and empty values on missing keys") {
    Harness h;
    CHECK(h.run({"SETRANGE", "sr", "-1", "x"}) == err("ERR offset is out of range"));
    CHECK(h.run({"SETRANGE", "sr", "abc", "x"}) == not_integer());
    CHECK(h.run({"SETRANGE", "none", "0", ""}) == integer(0));
    CHECK(h.run({"EXISTS", "none"}) == integer(0));
    CHECK(h.run({"SETRANGE", "none", "10", ""}) == integer(0));
    CHECK(h.run({"EXISTS", "none"}) == integer(0));
    CHECK(h.run({"SETRANGE", "none", "-1", ""}) == err("ERR offset is out of range"));
    CHECK(h.run({"HSET", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"SETRANGE", "h", "0", "x"}) == wrongtype());
    CHECK(h.run({"SETRANGE", "h", "0", ""}) == wrongtype());
    CHECK(h.run({"SETRANGE", "h", "-1", "x"}) == err("ERR offset is out of range"));
    CHECK(h.run({"SETRANGE", "h", "abc", "x"}) == not_integer());
    CHECK(h.run({"SETRANGE", "k", "9223372036854775807", "x"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("strings: OBJECT ENCODING follows int, embstr and raw like Redis") {
    Harness h;
    CHECK(h.run({"SET", "s1", "hello"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s1"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s2", "12345"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s2"}) == bulk("int"));
    CHECK(h.run({"SET", "s3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s3"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s4", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s4"}) == bulk("raw"));
    CHECK(h.run({"SET", "s5", "01"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s5"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s6", "-1"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s6"}) == bulk("int"));
    CHECK(h.run({"SET", "s7", "9223372036854775807"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s7"}) == bulk("int"));
    CHECK(h.run({"SET", "s8", "9223372036854775808"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s8"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s9", " 1"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s9"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s10", "+1"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s10"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s11", "1.5"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s11"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s12", ""}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s12"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s13", "-9223372036854775808"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s13"}) == bulk("int"));
    CHECK(h.run({"SET", "s14", "-0"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s14"}) == bulk("embstr"));
    CHECK(h.run({"APPEND", "s1", "x"}) == integer(6));
    CHECK(h.run({"OBJECT", "ENCODING", "s1"}) == bulk("raw"));
    CHECK(h.run({"APPEND", "s15", "abc"}) == integer(3));
    CHECK(h.run({"OBJECT", "ENCODING", "s15"}) == bulk("embstr"));
    CHECK(h.run({"SETRANGE", "s16", "0", "abc"}) == integer(3));
    CHECK(h.run({"OBJECT", "ENCODING", "s16"}) == bulk("raw"));
    CHECK(h.run({"INCR", "s17"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "s17"}) == bulk("int"));
    CHECK(h.run({"GETSET", "s17", "abc"}) == bulk("1"));
    CHECK(h.run({"OBJECT", "ENCODING", "s17"}) == bulk("embstr"));
    CHECK(h.run({"SETNX", "s18", "12"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "s18"}) == bulk("int"));
    CHECK(h.run({"MSET", "s19", "77", "s20", "xx"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s19"}) == bulk("int"));
    CHECK(h.run({"OBJECT", "ENCODING", "s20"}) == bulk("embstr"));
    CHECK(h.run({"SETEX", "s21", "100", "42"}) == ok());
    CHECK(h.run({"OBJECT", "ENCODING", "s21"}) == bulk("int"));
    CHECK(h.run({"INCRBYFLOAT", "s22", "3"}) == bulk("3"));
    CHECK(h.run({"OBJECT", "ENCODING", "s22"}) == bulk("embstr"));
    CHECK(h.run({"SET", "s23", "10"}) == ok());
    CHECK(h.run({"INCRBYFLOAT", "s23", "1"}) == bulk("11"));
    CHECK(h.run({"OBJECT", "ENCODING", "s23"}) == bulk("embstr"));
}

TEST_CASE("strings: SETRANGE and APPEND refuse to grow a string past proto-max-bulk-len") {
    Harness h;
    CHECK(h.run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == ok());
    CHECK(h.run({"SETRANGE", "k", "1048575", "x"}) == integer(1048576));
    CHECK(h.run({"STRLEN", "k"}) == integer(1048576));
    CHECK(h.run({"SETRANGE", "k", "1048576", "x"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"SETRANGE", "k", "1048575", "xy"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"SETRANGE", "k", "1048575", "y"}) == integer(1048576));
    CHECK(h.run({"APPEND", "k", "z"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"SETRANGE", "k2", "1048576", "x"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"EXISTS", "k2"}) == integer(0));
    CHECK(h.run({"SETRANGE", "k2", "1048576", ""}) == integer(0));
    CHECK(h.run({"SET", "k3", "abc"}) == ok());
    CHECK(h.run({"SETRANGE", "k3", "9223372036854775807", "x"}) ==
          err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(h.run({"SETRANGE", "k3", "1048576", ""}) == integer(3));
    CHECK(h.run({"GET", "k3"}) == bulk("abc"));
}

TEST_CASE("strings: every string command refuses a key of another type") {
    Harness h;
    REQUIRE(h.run({"HSET", "h", "f", "1"}) == integer(1));
    const std::vector<std::vector<std::string>> commands = {
        {"GET", "h"},           {"GETSET", "h", "v"},      {"GETDEL", "h"},
        {"GETEX", "h"},         {"GETEX", "h", "EX", "1"}, {"SET", "h", "v", "GET"},
        {"INCR", "h"},          {"DECR", "h"},             {"INCRBY", "h", "1"},
        {"DECRBY", "h", "1"},   {"INCRBYFLOAT", "h", "1"}, {"APPEND", "h", "x"},
        {"STRLEN", "h"},        {"GETRANGE", "h", "0", "1"}, {"SUBSTR", "h", "0", "1"},
        {"SETRANGE", "h", "0", "x"},
    };
    for (const auto& cmd : commands) {
        CAPTURE(cmd[0]);
        CHECK(h.run_strings(cmd) == wrongtype());
    }
    // The hash is untouched by all of them.
    CHECK(h.run({"HGET", "h", "f"}) == bulk("1"));
    // MGET skips it instead of failing.
    CHECK(h.run({"MGET", "h"}) == array({nil()}));
}
