// Hash commands (Redis's t_hash.c). Expected replies were recorded from Redis 7.0.15;
// random and order-free replies (HRANDFIELD, HGETALL, HSCAN) are checked for what must hold.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

TEST_CASE("hashes: HSET, HMSET and HGET") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"}) == integer(3));
    CHECK(h.run({"HSET", "h", "a", "10", "d", "4"}) == integer(1));
    CHECK(h.run({"HGET", "h", "a"}) == bulk("10"));
    CHECK(h.run({"HGET", "h", "d"}) == bulk("4"));
    CHECK(h.run({"HGET", "h", "zz"}) == nil());
    CHECK(h.run({"HGET", "missing", "a"}) == nil());
    CHECK(h.run({"HMSET", "h", "e", "5", "f", "6"}) == ok());
    CHECK(h.run({"HGET", "h", "e"}) == bulk("5"));
    CHECK(h.run({"HLEN", "h"}) == integer(6));
    CHECK(h.run({"hset", "h", "A", "upper"}) == integer(1));
    CHECK(h.run({"HGET", "h", "A"}) == bulk("upper"));
    CHECK(h.run({"HGET", "h", "a"}) == bulk("10"));
}

TEST_CASE("hashes: HSET and HMSET need field/value pairs") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a"}) == arity_error("hset"));
    CHECK(h.run({"HSET", "h", "a", "1", "b"}) == arity_error("hset"));
    CHECK(h.run({"HSET", "h"}) == arity_error("hset"));
    CHECK(h.run({"HMSET", "h", "e"}) == arity_error("hmset"));
    CHECK(h.run({"HMSET", "h", "e", "5", "f"}) == arity_error("hmset"));
    CHECK(h.run({"HSETNX", "h", "a"}) == arity_error("hsetnx"));
    CHECK(h.run({"EXISTS", "h"}) == integer(0));
}

TEST_CASE("hashes: HSETNX only adds new fields") {
    Harness h;
    CHECK(h.run({"HSETNX", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HSETNX", "h", "a", "2"}) == integer(0));
    CHECK(h.run({"HGET", "h", "a"}) == bulk("1"));
    CHECK(h.run({"HSETNX", "h", "b", "3"}) == integer(1));
    CHECK(h.run({"HLEN", "h"}) == integer(2));
}

TEST_CASE("hashes: HMGET answers nil for missing fields and keys") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1", "b", "2"}) == integer(2));
    CHECK(h.run({"HMGET", "h", "a", "zz", "b"}) == array({bulk("1"), nil(), bulk("2")}));
    CHECK(h.run({"HMGET", "missing", "a", "b"}) == array({nil(), nil()}));
    CHECK(h.run({"HMGET", "h"}) == arity_error("hmget"));
    CHECK(h.run({"HMGET", "h", "a", "a"}) == array({bulk("1"), bulk("1")}));
}

TEST_CASE("hashes: HEXISTS, HSTRLEN, HLEN") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1", "b", "hello"}) == integer(2));
    CHECK(h.run({"HEXISTS", "h", "a"}) == integer(1));
    CHECK(h.run({"HEXISTS", "h", "zz"}) == integer(0));
    CHECK(h.run({"HEXISTS", "missing", "a"}) == integer(0));
    CHECK(h.run({"HSTRLEN", "h", "b"}) == integer(5));
    CHECK(h.run({"HSTRLEN", "h", "zz"}) == integer(0));
    CHECK(h.run({"HSTRLEN", "missing", "a"}) == integer(0));
    CHECK(h.run({"HLEN", "h"}) == integer(2));
    CHECK(h.run({"HLEN", "missing"}) == integer(0));
    CHECK(h.run({"HSET", "h", "empty", ""}) == integer(1));
    CHECK(h.run({"HSTRLEN", "h", "empty"}) == integer(0));
    CHECK(h.run({"HEXISTS", "h", "empty"}) == integer(1));
}

TEST_CASE("hashes: HDEL removes several fields and the key with the last one") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"}) == integer(4));
    CHECK(h.run({"HDEL", "h", "a", "b", "zz"}) == integer(2));
    CHECK(h.run({"HDEL", "h", "a"}) == integer(0));
    CHECK(h.run({"HDEL", "missing", "a"}) == integer(0));
    CHECK(h.run({"HLEN", "h"}) == integer(2));
    CHECK(h.run({"HDEL", "h", "c", "c"}) == integer(1));
    CHECK(h.run({"HDEL", "h", "d", "e", "f"}) == integer(1));
    CHECK(h.run({"EXISTS", "h"}) == integer(0));
    CHECK(h.run({"TYPE", "h"}) == simple("none"));
    CHECK(h.run({"HDEL", "h", "x"}) == integer(0));
    CHECK(h.run({"HDEL", "h"}) == arity_error("hdel"));
}

TEST_CASE("hashes: hash commands refuse a key of another type") {
    Harness h;
    CHECK(h.run({"SET", "s", "v"}) == ok());
    CHECK(h.run({"HSET", "s", "a", "1"}) == wrongtype());
    CHECK(h.run({"HMSET", "s", "a", "1"}) == wrongtype());
    CHECK(h.run({"HSETNX", "s", "a", "1"}) == wrongtype());
    CHECK(h.run({"HGET", "s", "a"}) == wrongtype());
    CHECK(h.run({"HMGET", "s", "a"}) == wrongtype());
    CHECK(h.run({"HDEL", "s", "a"}) == wrongtype());
    CHECK(h.run({"HLEN", "s"}) == wrongtype());
    CHECK(h.run({"HEXISTS", "s", "a"}) == wrongtype());
    CHECK(h.run({"HSTRLEN", "s", "a"}) == wrongtype());
    CHECK(h.run({"HGETALL", "s"}) == wrongtype());
    CHECK(h.run({"HKEYS", "s"}) == wrongtype());
    CHECK(h.run({"HVALS", "s"}) == wrongtype());
    CHECK(h.run({"HINCRBY", "s", "a", "1"}) == wrongtype());
    CHECK(h.run({"HINCRBYFLOAT", "s", "a", "1"}) == wrongtype());
    CHECK(h.run({"HRANDFIELD", "s"}) == wrongtype());
    CHECK(h.run({"HRANDFIELD", "s", "1"}) == wrongtype());
    CHECK(h.run({"HSCAN", "s", "0"}) == wrongtype());
    CHECK(h.run({"GET", "s"}) == bulk("v"));
}

TEST_CASE("hashes: HGETALL, HKEYS, HVALS on missing keys") {
    Harness h;
    CHECK(h.run({"HGETALL", "missing"}) == array({}));
    CHECK(h.run({"HKEYS", "missing"}) == array({}));
    CHECK(h.run({"HVALS", "missing"}) == array({}));
    CHECK(h.run({"HGETALL"}) == arity_error("hgetall"));
    CHECK(h.run({"HKEYS", "a", "b"}) == arity_error("hkeys"));
}

TEST_CASE("hashes: HINCRBY counts from zero and checks overflow") {
    Harness h;
    CHECK(h.run({"HINCRBY", "h", "f", "5"}) == integer(5));
    CHECK(h.run({"HINCRBY", "h", "f", "-10"}) == integer(-5));
    CHECK(h.run({"HGET", "h", "f"}) == bulk("-5"));
    CHECK(h.run({"HINCRBY", "h", "f", "0"}) == integer(-5));
    CHECK(h.run({"HINCRBY", "h", "f", "abc"}) == not_integer());
    CHECK(h.run({"HINCRBY", "h", "f", "1.5"}) == not_integer());
    CHECK(h.run({"HINCRBY", "h", "f", " 1"}) == not_integer());
    CHECK(h.run({"HINCRBY", "h", "f", "9223372036854775808"}) == not_integer());
    CHECK(h.run({"HSET", "h", "m", "9223372036854775807"}) == integer(1));
    CHECK(h.run({"HINCRBY", "h", "m", "1"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"HINCRBY", "h", "m", "0"}) == integer(9223372036854775807));
    CHECK(h.run({"HSET", "h", "n", "-9223372036854775808"}) == integer(1));
    CHECK(h.run({"HINCRBY", "h", "n", "-1"}) == err("ERR increment or decrement would overflow"));
    CHECK(h.run({"HINCRBY", "h", "n", "9223372036854775807"}) == integer(-1));
    CHECK(h.run({"HGET", "h", "n"}) == bulk("-1"));
}

TEST_CASE("hashes: HINCRBY refuses field values that are not integers") {
    Harness h;
    CHECK(h.run({"HSET", "h", "g", "notnum"}) == integer(1));
    CHECK(h.run({"HINCRBY", "h", "g", "1"}) == err("ERR hash value is not an integer"));
    CHECK(h.run({"HSET", "h", "g", "1.0"}) == integer(0));
    CHECK(h.run({"HINCRBY", "h", "g", "1"}) == err("ERR hash value is not an integer"));
    CHECK(h.run({"HSET", "h", "g", " 1"}) == integer(0));
    CHECK(h.run({"HINCRBY", "h", "g", "1"}) == err("ERR hash value is not an integer"));
    CHECK(h.run({"HSET", "h", "g", "01"}) == integer(0));
    CHECK(h.run({"HINCRBY", "h", "g", "1"}) == err("ERR hash value is not an integer"));
    CHECK(h.run({"HSET", "h", "g", ""}) == integer(0));
    CHECK(h.run({"HINCRBY", "h", "g", "1"}) == err("ERR hash value is not an integer"));
    CHECK(h.run({"HGET", "h", "g"}) == bulk(""));
    CHECK(h.run({"HINCRBY", "fresh", "f", "abc"}) == not_integer());
    CHECK(h.run({"EXISTS", "fresh"}) == integer(0));
}

TEST_CASE("hashes: HINCRBYFLOAT formats like INCRBYFLOAT") {
    Harness h;
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "1.5"}) == bulk("1.5"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "3.0e3"}) == bulk("3001.5"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "y", "5.0e-17"}) == bulk("0.00000000000000005"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "z", "0.1"}) == bulk("0.1"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "z", "0.2"}) == bulk("0.3"));
    CHECK(h.run({"HSET", "h", "i", "10"}) == integer(1));
    CHECK(h.run({"HINCRBYFLOAT", "h", "i", "1"}) == bulk("11"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "i", "-11"}) == bulk("0"));
    CHECK(h.run({"HSET", "h", "w", "1.5e308"}) == integer(1));
    CHECK(h.run({"HINCRBYFLOAT", "h", "w", "1.5e308"}) ==
          bulk("299999999999999999999802952978936936062033681930121889934267370842360212133382092073513329456432044063805856741044049928681709165013290418975721613155792350350455287355122225755520606513477793033688249842856870392034430282663023473578541488576654642706081008486842868180099693230377808905266593729023699845120"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "w", "1.7e308"}) ==
          bulk("469999999999999999983449102981334534696597131044065647045558502890372653130852100153149301663799492195853150451165661122892502831468473876089531910835402858804749971362503731317763487371187754036326941994659007533599274787040039477150239002227767481996616307270272217460776621389084771373114615858817272905728"));
    CHECK(h.run({"HGET", "h", "w"}) ==
          bulk("469999999999999999983449102981334534696597131044065647045558502890372653130852100153149301663799492195853150451165661122892502831468473876089531910835402858804749971362503731317763487371187754036326941994659007533599274787040039477150239002227767481996616307270272217460776621389084771373114615858817272905728"));
}

TEST_CASE("hashes: HINCRBYFLOAT errors") {
    Harness h;
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "abc"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", ""}) == err("ERR value is not a valid float"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "nan"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "inf"}) == err("ERR value is NaN or Infinity"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "-inf"}) == err("ERR value is NaN or Infinity"));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "1e5000"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"HSET", "h", "z", "notfloat"}) == integer(1));
    CHECK(h.run({"HINCRBYFLOAT", "h", "z", "1"}) == err("ERR hash value is not a float"));
    CHECK(h.run({"HSET", "h", "z", " 1"}) == integer(0));
    CHECK(h.run({"HINCRBYFLOAT", "h", "z", "1"}) == err("ERR hash value is not a float"));
    CHECK(h.run({"HSET", "h", "z", "inf"}) == integer(0));
    CHECK(h.run({"HINCRBYFLOAT", "h", "z", "1"}) ==
          err("ERR increment would produce NaN or Infinity"));
    CHECK(h.run({"HINCRBYFLOAT", "fresh", "f", "abc"}) == err("ERR value is not a valid float"));
    CHECK(h.run({"EXISTS", "fresh"}) == integer(0));
    CHECK(h.run({"HINCRBYFLOAT", "fresh", "f", "inf"}) == err("ERR value is NaN or Infinity"));
    CHECK(h.run({"EXISTS", "fresh"}) == integer(0));
    CHECK(h.run({"HINCRBYFLOAT", "h", "x", "1", "extra"}) == arity_error("hincrbyfloat"));
}

TEST_CASE("hashes: a hash switches from listpack to hashtable on a long field or value, for good") {
    Harness h;
    CHECK(h.run({"HSET", "a", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "v"}) ==
          integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("listpack"));
    CHECK(h.run({"HSET", "a", "x", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) ==
          integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("listpack"));
    CHECK(h.run({"HSET", "a", "x", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) ==
          integer(0));
    CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("hashtable"));
    CHECK(h.run({"HDEL", "a", "x"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("hashtable"));
    CHECK(h.run({"HSET", "b", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "v"}) ==
          integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "b"}) == bulk("hashtable"));
    CHECK(h.run({"HSETNX", "c", "x", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) ==
          integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "c"}) == bulk("hashtable"));
    CHECK(h.run({"HMSET", "d", "x", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) ==
          ok());
    CHECK(h.run({"OBJECT", "ENCODING", "d"}) == bulk("hashtable"));
    CHECK(h.run({"HINCRBY", "e", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "1"}) ==
          integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "e"}) == bulk("hashtable"));
    CHECK(h.run({"HINCRBYFLOAT", "f", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "1"}) ==
          bulk("1"));
    CHECK(h.run({"OBJECT", "ENCODING", "f"}) == bulk("hashtable"));
    CHECK(h.run({"HSET", "g", "x", "1"}) == integer(1));
    CHECK(h.run({"HINCRBYFLOAT", "g", "x", "1e60"}) ==
          bulk("999999999999999999999373423426722168652130621984886772203520"));
    CHECK(h.run({"OBJECT", "ENCODING", "g"}) == bulk("listpack"));
    CHECK(h.run({"HINCRBYFLOAT", "g", "x", "1e70"}) ==
          bulk("10000000001000000000187985003112119564714657093112162467133344534495232"));
    CHECK(h.run({"OBJECT", "ENCODING", "g"}) == bulk("hashtable"));
}

TEST_CASE("hashes: HRANDFIELD on missing keys and small hashes") {
    Harness h;
    CHECK(h.run({"HRANDFIELD", "missing"}) == nil());
    CHECK(h.run({"HRANDFIELD", "missing", "5"}) == array({}));
    CHECK(h.run({"HRANDFIELD", "missing", "-5"}) == array({}));
    CHECK(h.run({"HRANDFIELD", "missing", "5", "WITHVALUES"}) == array({}));
    CHECK(h.run({"HRANDFIELD", "missing", "0"}) == array({}));
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HRANDFIELD", "h"}) == bulk("a"));
    CHECK(h.run({"HRANDFIELD", "h", "0"}) == array({}));
    CHECK(h.run({"HRANDFIELD", "h", "0", "WITHVALUES"}) == array({}));
    CHECK(h.run({"HRANDFIELD", "h", "1"}) == array({bulk("a")}));
    CHECK(h.run({"HRANDFIELD", "h", "-1"}) == array({bulk("a")}));
    CHECK(h.run({"HRANDFIELD", "h", "-3"}) == array({bulk("a"), bulk("a"), bulk("a")}));
    CHECK(h.run({"HRANDFIELD", "h", "-3", "withvalues"}) == array({
              bulk("a"),
              bulk("1"),
              bulk("a"),
              bulk("1"),
              bulk("a"),
              bulk("1")}));
    CHECK(h.run({"HRANDFIELD", "h", "5"}) == array({bulk("a")}));
    CHECK(h.run({"HRANDFIELD", "h", "5", "WITHVALUES"}) == array({bulk("a"), bulk("1")}));
}

TEST_CASE("hashes: HRANDFIELD errors") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HRANDFIELD", "h", "abc"}) == not_integer());
    CHECK(h.run({"HRANDFIELD", "h", "1.5"}) == not_integer());
    CHECK(h.run({"HRANDFIELD", "h", "1", "foo"}) == syntax_error());
    CHECK(h.run({"HRANDFIELD", "h", "1", "WITHVALUES", "foo"}) == syntax_error());
    CHECK(h.run({"HRANDFIELD", "missing", "abc"}) == not_integer());
    CHECK(h.run({"HRANDFIELD", "missing", "5", "foo"}) == syntax_error());
    CHECK(h.run({"HRANDFIELD", "missing", "1", "withvalues", "extra"}) == syntax_error());
    CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775808"}) ==
          err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
    CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"}) ==
          err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
    CHECK(h.run({"HRANDFIELD", "missing", "-9223372036854775808"}) ==
          err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
    CHECK(h.run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}) ==
          err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}) ==
          err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD", "missing", "-9223372036854775807", "WITHVALUES"}) ==
          err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD", "missing", "9223372036854775807", "WITHVALUES"}) ==
          err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD"}) == arity_error("hrandfield"));
}

TEST_CASE("hashes: HSCAN on a small hash returns everything at once") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HSCAN", "h", "0"}) == array({bulk("0"), array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "0", "MATCH", "a*"}) == array({
              bulk("0"),
              array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "0", "MATCH", "b*"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"HSCAN", "h", "0", "COUNT", "1", "MATCH", "a"}) == array({
              bulk("0"),
              array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "0", "match", "A"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"HSCAN", "missing", "0"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"HSCAN", "missing", "0", "MATCH", "x", "COUNT", "5"}) == array({
              bulk("0"),
              array({})}));
}

TEST_CASE("hashes: HSCAN cursor parsing follows Redis 7.0 (strtoul)") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HSCAN", "h", "abc"}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "h", "-1"}) == array({bulk("0"), array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "1.5"}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "h", "18446744073709551615"}) == array({
              bulk("0"),
              array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "18446744073709551616"}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "h", " 1"}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "h", "1 "}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "h", ""}) == array({bulk("0"), array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "+1"}) == array({bulk("0"), array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "1\x00x"sv}) == array({bulk("0"), array({bulk("a"), bulk("1")})}));
    CHECK(h.run({"HSCAN", "h", "-"}) == err("ERR invalid cursor"));
    CHECK(h.run({"HSCAN", "missing", "abc"}) == err("ERR invalid cursor"));
}

TEST_CASE("hashes: HSCAN options") {
    Harness h;
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HSCAN", "h", "0", "COUNT", "0"}) == syntax_error());
    CHECK(h.run({"HSCAN", "h", "0", "COUNT", "-1"}) == syntax_error());
    CHECK(h.run({"HSCAN", "h", "0", "COUNT", "abc"}) == not_integer());
    CHECK(h.run({"HSCAN", "h", "0", "MATCH"}) == syntax_error());
    CHECK(h.run({"HSCAN", "h", "0", "TYPE", "string"}) == syntax_error());
    CHECK(h.run({"HSCAN", "h", "0", "foo"}) == syntax_error());
    CHECK(h.run({"HSCAN", "h", "0", "NOVALUES"}) == syntax_error());
    // A missing key answers the empty scan before the options are looked at.
    CHECK(h.run({"HSCAN", "missing", "0", "COUNT", "0"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"HSCAN", "missing", "0", "foo", "bar"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"HSCAN", "h"}) == arity_error("hscan"));
}

namespace {

// HSET key f0 v0 f1 v1 ... f(n-1) v(n-1)
void fill_hash(Harness& h, std::string_view key, int n, std::string_view prefix = "f") {
    std::vector<std::string> args = {"HSET", std::string(key)};
    for (int i = 0; i < n; ++i) {
        args.push_back(std::string(prefix) + std::to_string(i));
        args.push_back("v" + std::to_string(i));
    }
    REQUIRE(h.run_strings(args) == integer(n));
}

std::vector<std::string> field_names(std::string_view prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(std::string(prefix) + std::to_string(i));
    return sorted(out);
}

// "f12" -> "v12": the value fill_hash stored for a field.
std::string value_of(const std::string& field) { return "v" + field.substr(1); }

// Splits a flat [field, value, field, value ...] list into fields, checking each value.
std::vector<std::string> fields_of_pairs(const std::vector<std::string>& flat) {
    REQUIRE(flat.size() % 2 == 0);
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < flat.size(); i += 2) {
        CHECK(flat[i + 1] == value_of(flat[i]));
        fields.push_back(flat[i]);
    }
    return fields;
}

bool all_distinct(std::vector<std::string> v) {
    v = sorted(std::move(v));
    return std::adjacent_find(v.begin(), v.end()) == v.end();
}

bool all_members(const std::vector<std::string>& v, const std::vector<std::string>& universe) {
    return std::all_of(v.begin(), v.end(), [&](const std::string& s) {
        return std::binary_search(universe.begin(), universe.end(), s);
    });
}

}  // namespace

TEST_CASE("hashes: HGETALL, HKEYS and HVALS return every field, in any order") {
    Harness h;
    for (int n : {3, 200}) {  // listpack and hashtable encodings
        CAPTURE(n);
        CHECK(h.run({"DEL", "h"}) == integer(n == 3 ? 0 : 1));
        fill_hash(h, "h", n);
        const auto all = decode(h.run({"HGETALL", "h"}));
        CHECK(all.type == '*');
        CHECK(sorted(fields_of_pairs(all.strings())) == field_names("f", n));
        CHECK(sorted(decode(h.run({"HKEYS", "h"})).strings()) == field_names("f", n));
        std::vector<std::string> values;
        for (const std::string& f : field_names("f", n)) values.push_back(value_of(f));
        CHECK(sorted(decode(h.run({"HVALS", "h"})).strings()) == sorted(values));
        CHECK(h.run({"HLEN", "h"}) == integer(n));
    }
}

TEST_CASE("hashes: more than 128 fields switch to hashtable, and deleting does not switch back") {
    Harness h;
    fill_hash(h, "h", 128);
    CHECK(h.run({"OBJECT", "ENCODING", "h"}) == bulk("listpack"));
    CHECK(h.run({"HSET", "h", "f0", "again"}) == integer(0));
    CHECK(h.run({"OBJECT", "ENCODING", "h"}) == bulk("listpack"));
    CHECK(h.run({"HSET", "h", "f128", "v128"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    CHECK(h.run({"HDEL", "h", "f128", "f127"}) == integer(2));
    CHECK(h.run({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    CHECK(h.run({"HLEN", "h"}) == integer(127));
    // HSETNX and HINCRBY adding the 129th field switch too.
    fill_hash(h, "a", 128);
    CHECK(h.run({"HSETNX", "a", "new", "1"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("hashtable"));
    fill_hash(h, "b", 128);
    CHECK(h.run({"HINCRBY", "b", "new", "1"}) == integer(1));
    CHECK(h.run({"OBJECT", "ENCODING", "b"}) == bulk("hashtable"));
}

TEST_CASE("hashes: HRANDFIELD without a count returns a member") {
    Harness h;
    fill_hash(h, "h", 3);
    std::vector<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto r = decode(h.run({"HRANDFIELD", "h"}));
        REQUIRE(r.type == '$');
        seen.push_back(r.text);
    }
    seen = sorted(seen);
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    // Every field shows up in 200 draws (the odds of missing one are about 3 * (2/3)^200).
    CHECK(seen == field_names("f", 3));
}

TEST_CASE("hashes: HRANDFIELD with a positive count returns distinct fields") {
    Harness h;
    for (int n : {5, 300}) {
        CAPTURE(n);
        const std::string key = "h" + std::to_string(n);
        fill_hash(h, key, n);
        const auto universe = field_names("f", n);
        for (int count : {1, 2, n / 2, n - 1}) {
            CAPTURE(count);
            const auto fields = decode(h.run_strings({"HRANDFIELD", key, std::to_string(count)})).strings();
            CHECK(fields.size() == static_cast<std::size_t>(count));
            CHECK(all_distinct(fields));
            CHECK(all_members(fields, universe));
            const auto pairs =
                decode(h.run_strings({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"})).strings();
            CHECK(pairs.size() == static_cast<std::size_t>(2 * count));
            const auto with_values = fields_of_pairs(pairs);
            CHECK(all_distinct(with_values));
            CHECK(all_members(with_values, universe));
        }
        // A count of at least the size returns the whole hash.
        for (int count : {n, n + 1, 100000}) {
            CHECK(sorted(decode(h.run_strings({"HRANDFIELD", key, std::to_string(count)})).strings()) ==
                  universe);
            CHECK(sorted(fields_of_pairs(decode(h.run_strings({"HRANDFIELD", key, std::to_string(count),
                                                               "withvalues"}))
                                             .strings())) == universe);
        }
    }
}

TEST_CASE("hashes: HRANDFIELD with a negative count may repeat fields") {
    Harness h;
    fill_hash(h, "h", 3);
    const auto universe = field_names("f", 3);
    const auto fields = decode(h.run({"HRANDFIELD", "h", "-100"})).strings();
    CHECK(fields.size() == 100);
    CHECK(all_members(fields, universe));
    CHECK_FALSE(all_distinct(fields));
    const auto pairs = decode(h.run({"HRANDFIELD", "h", "-50", "WITHVALUES"})).strings();
    CHECK(pairs.size() == 100);
    CHECK(all_members(fields_of_pairs(pairs), universe));
    // Also on a hashtable-encoded hash.
    fill_hash(h, "big", 200);
    const auto big = decode(h.run({"HRANDFIELD", "big", "-1000"})).strings();
    CHECK(big.size() == 1000);
    CHECK(all_members(big, field_names("f", 200)));
}

TEST_CASE("hashes: RESP3 replies: HGETALL is a map, HRANDFIELD WITHVALUES an array of pairs") {
    Harness h;
    REQUIRE(decode(h.run({"HELLO", "3"})).type == '%');
    CHECK(h.run({"HSET", "h", "a", "1"}) == integer(1));
    CHECK(h.run({"HGETALL", "h"}) == "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(h.run({"HGETALL", "missing"}) == "%0\r\n");
    CHECK(h.run({"HGET", "h", "zz"}) == "_\r\n");
    CHECK(h.run({"HMGET", "h", "a", "zz"}) == "*2\r\n$1\r\n1\r\n_\r\n");
    CHECK(h.run({"HRANDFIELD", "missing"}) == "_\r\n");
    // Recorded from Redis 7.0.15: pairs for every count, including "the whole hash".
    CHECK(h.run({"HRANDFIELD", "h", "5", "WITHVALUES"}) == "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(h.run({"HRANDFIELD", "h", "1", "WITHVALUES"}) == "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(h.run({"HRANDFIELD", "h", "-2", "WITHVALUES"}) ==
          "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(h.run({"HRANDFIELD", "h", "5"}) == "*1\r\n$1\r\na\r\n");
    fill_hash(h, "big", 10);
    const auto sample = decode(h.run({"HRANDFIELD", "big", "4", "WITHVALUES"}));
    REQUIRE(sample.items.size() == 4);
    for (const Reply& pair : sample.items) {
        REQUIRE(pair.type == '*');
        REQUIRE(pair.items.size() == 2);
        CHECK(pair.items[1].text == value_of(pair.items[0].text));
    }
}

TEST_CASE("hashes: HSCAN iterates a large hash completely") {
    Harness h;
    fill_hash(h, "h", 1000);
    REQUIRE(h.run({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    std::vector<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        const auto r = decode(h.run_strings({"HSCAN", "h", cursor, "COUNT", "10"}));
        REQUIRE(r.items.size() == 2);
        cursor = r.items[0].text;
        const auto fields = fields_of_pairs(r.items[1].strings());
        // COUNT is a hint, but a hashtable scan returns about that many per call.
        CHECK(fields.size() <= 40);
        seen.insert(seen.end(), fields.begin(), fields.end());
        REQUIRE(++calls < 1000);
    } while (cursor != "0");
    CHECK(calls > 10);
    CHECK(sorted(seen) == field_names("f", 1000));  // every field exactly once
}

TEST_CASE("hashes: HSCAN with MATCH on a large hash, and with fields changing meanwhile") {
    Harness h;
    fill_hash(h, "h", 300);
    std::vector<std::string> matched;
    std::string cursor = "0";
    do {
        const auto r = decode(h.run_strings({"HSCAN", "h", cursor, "MATCH", "f1?", "COUNT", "7"}));
        cursor = r.items[0].text;
        const auto fields = fields_of_pairs(r.items[1].strings());
        matched.insert(matched.end(), fields.begin(), fields.end());
    } while (cursor != "0");
    std::vector<std::string> expected;
    for (int i = 10; i < 20; ++i) expected.push_back("f" + std::to_string(i));
    CHECK(sorted(matched) == sorted(expected));

    // Fields present for the whole iteration are returned even while the table grows.
    std::vector<std::string> seen;
    cursor = "0";
    int step = 0;
    do {
        const auto r = decode(h.run_strings({"HSCAN", "h", cursor}));
        cursor = r.items[0].text;
        for (const std::string& f : fields_of_pairs(r.items[1].strings())) seen.push_back(f);
        std::vector<std::string> grow = {"HSET", "h"};
        for (int i = 0; i < 20; ++i) {
            grow.push_back("g" + std::to_string(step * 20 + i));
            grow.push_back("v" + std::to_string(step * 20 + i));
        }
        h.run_strings(grow);
        ++step;
    } while (cursor != "0");
    seen = sorted(seen);
    for (const std::string& f : field_names("f", 300)) CHECK(std::binary_search(seen.begin(), seen.end(), f));
}

TEST_CASE("hashes: HRANDFIELD refuses a repeated sample too large to build in memory") {
    Harness h;
    REQUIRE(h.run({"HSET", "h", "a", "1"}) == integer(1));
    // Real Redis is OOM-killed by these; corokv answers Redis's out-of-range error instead.
    CHECK(h.run({"HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"}) == err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775807"}) == err("ERR value is out of range"));
    CHECK(h.run({"HRANDFIELD", "h", "-3"}) == "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n");
}
